"""The client portal: its own front door, its layout, and plugins' pages under the same rules."""
import pytest
from huiwu_example.models import Note
from sqlalchemy import func, select

from core.security.log import SecurityEvent
from core.testing import csrf_from, plugin_state


@pytest.fixture
def clients(kernel, make_user, plugin_enabled):
    """Two client companies' users, each with a note, and a staff member."""
    plugin_enabled("example")
    acme = make_user("acme", roles=["note_taker"], portal=True)
    globex = make_user("globex", roles=["note_taker"], portal=True)
    with kernel.system_session() as s:
        mine = Note(title="Acme gala seating plan", created_by_id=acme.id)
        theirs = Note(title="Globex launch budget", created_by_id=globex.id)
        s.add_all([mine, theirs])
        s.commit()
        return {"acme": acme, "globex": globex, "mine": mine.id, "theirs": theirs.id}


def log_in(app, login, password="secret-pass", url="/portal/login"):
    client = app.test_client()
    page = client.get(url)
    response = client.post(url, data={"login": login, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))})
    return client, response


def test_anonymous_visitor_is_sent_to_the_portal_login(app):
    response = app.test_client().get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/portal/login")


def test_client_logs_in_at_the_portal_and_sees_home(app, clients):
    client, response = log_in(app, "acme")
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"
    home = client.get("/portal/").get_data(as_text=True)
    assert "Acme" in home  # the user's name (make_user titles the login)
    assert "/static/bootstrap/bootstrap4/css/bootstrap.min.css" in home
    assert 'id="portal-logout"' in home


def test_staff_cannot_log_in_at_the_portal(app, kernel, make_user):
    make_user("staffer", roles=["administrator"])
    client, response = log_in(app, "staffer")
    assert response.status_code == 400
    assert "登录名或密码错误。" in response.get_data(as_text=True)  # nobody logged in: Chinese by default
    assert client.get("/portal/").status_code == 302
    with kernel.system_session() as s:
        assert s.scalar(select(SecurityEvent.detail).where(SecurityEvent.kind == "login_failed")) == "wrong door"


def test_client_cannot_log_in_at_the_staff_login(app, clients):
    client, response = log_in(app, "acme", url="/login")
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logged_in_staff_is_sent_to_the_admin(client_as):
    response = client_as("administrator").get("/portal/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin")


def test_logged_in_client_is_sent_from_the_admin_to_the_portal(client_as, clients):
    response = client_as(clients["acme"]).get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/portal")


def test_menu_lists_pages_of_enabled_plugins_only(kernel, client_as, clients):
    client = client_as(clients["acme"])
    assert 'href="/portal/notes/">My notes</a>' in client.get("/portal/").get_data(as_text=True)
    with plugin_state(kernel, "example", False):
        assert "My notes" not in client.get("/portal/").get_data(as_text=True)
        assert client.get("/portal/notes/").status_code == 404
        assert client.get(f"/portal/notes/{clients['mine']}").status_code == 404


def test_menu_hides_a_page_the_user_may_not_open(client_as, make_user, clients):
    outsider = make_user("outsider", portal=True)
    client = client_as(outsider)
    assert "My notes" not in client.get("/portal/").get_data(as_text=True)
    assert client.get("/portal/notes/").status_code == 403


def test_client_sees_only_rows_its_rules_allow(client_as, clients):
    client = client_as(clients["acme"])
    page = client.get("/portal/notes/").get_data(as_text=True)
    assert "Acme gala seating plan" in page
    assert "Globex" not in page.split('id="notes"')[1]
    assert client.get(f"/portal/notes/{clients['mine']}").status_code == 200


def test_get_by_id_typed_by_hand_of_a_hidden_row_is_404(client_as, clients):
    client = client_as(clients["acme"])
    response = client.get(f"/portal/notes/{clients['theirs']}")
    assert response.status_code == 404
    assert "Globex launch budget" not in response.get_data(as_text=True)


def test_portal_in_chinese(client_as, clients):
    client = client_as(clients["acme"], locale="zh_Hans")
    home = client.get("/portal/").get_data(as_text=True)
    assert "客户门户" in home and "退出" in home and "我的便签" in home
    assert "我的便签" in client.get("/portal/notes/").get_data(as_text=True)


def test_language_switch_keeps_the_page(client_as, clients):
    client = client_as(clients["acme"], locale="zh_Hans")
    response = client.get("/locale/en?next=/portal/notes/")
    assert response.headers["Location"] == "/portal/notes/"
    assert "My notes" in client.get("/portal/notes/").get_data(as_text=True)


def test_logout_needs_the_form_token(app, kernel, clients):
    client, _ = log_in(app, "acme")
    assert client.post("/portal/logout").status_code == 400
    assert client.get("/portal/").status_code == 200
    token = csrf_from(client.get("/portal/").get_data(as_text=True))
    response = client.post("/portal/logout", data={"csrf_token": token})
    assert response.headers["Location"] == "/portal/login"
    assert client.get("/portal/").status_code == 302
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == "logout")) == 1
