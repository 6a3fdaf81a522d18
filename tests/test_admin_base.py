"""The admin base view: record rules hold on every way into a row, refusals are 403 and logged,
lists are capped and count-free, and a stale edit never overwrites someone else's change."""
import re

import pytest
from huiwu_example.models import Note
from sqlalchemy import event, func, select

from core.security.log import SecurityEvent
from core.security.models import Department, User
from core.security.record_rules import RecordRule
from core.testing import csrf_from, plugin_state

NOTES = "/admin/example_notes"


@pytest.fixture
def notes(kernel, plugin_enabled, make_user):
    """Alice and Bob take notes; the example plugin's rule shows each only their own."""
    plugin_enabled("example")
    alice = make_user("alice", roles=["note_taker"])
    bob = make_user("bob", roles=["note_taker"])
    with kernel.system_session() as s:
        mine = Note(title="alice's plan", body="v1", created_by_id=alice.id)
        hidden = Note(title="bob's secret", body="do not read", created_by_id=bob.id)
        s.add_all([mine, hidden])
        s.commit()
        return {"alice": alice, "bob": bob, "mine": mine.id, "hidden": hidden.id}


def note_title(kernel, note_id):
    with kernel.system_session() as s:
        return s.scalar(select(Note.title).where(Note.id == note_id))


def refusals(kernel):
    with kernel.system_session() as s:
        return s.scalar(select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == "refused"))


def list_rows(html: str) -> str:
    return html.split("<tbody>", 1)[-1] if "<tbody>" in html else html.split("model-list", 1)[-1]


def test_list_shows_only_visible_rows(client_as, notes):
    page = client_as(notes["alice"]).get(f"{NOTES}/").get_data(as_text=True)
    assert "alice&#39;s plan" in page
    assert "bob&#39;s secret" not in page


def test_list_pages_run_no_count_and_keep_to_the_rule(kernel, client_as, notes):
    with kernel.system_session() as s:
        s.add_all([Note(title=f"bob note {i}", created_by_id=notes["bob"].id) for i in range(30)])
        s.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])
    event.listen(kernel.engine, "before_cursor_execute", listener)
    try:
        client = client_as(notes["alice"])
        first = client.get(f"{NOTES}/").get_data(as_text=True)
        second = client.get(f"{NOTES}/?page=1").get_data(as_text=True)
    finally:
        event.remove(kernel.engine, "before_cursor_execute", listener)
    assert not [s for s in statements if "example_note" in s and "count(" in s.lower()]
    assert "alice&#39;s plan" in first
    assert "bob note" not in first + second


def test_page_size_is_capped_on_the_server(kernel, admin_client, plugin_enabled):
    plugin_enabled("example")
    with kernel.system_session() as s:
        s.add_all([Note(title=f"note {i:03d}") for i in range(130)])
        s.commit()
    page = admin_client.get(f"{NOTES}/?page_size=100000").get_data(as_text=True)
    assert len(re.findall(r'name="rowid"', page)) == 25
    biggest = admin_client.get(f"{NOTES}/?page_size=100").get_data(as_text=True)
    assert len(re.findall(r'name="rowid"', biggest)) == 100


def test_details_by_id_typed_by_hand_is_refused(client_as, notes):
    client = client_as(notes["alice"])
    assert client.get(f"{NOTES}/details/?id={notes['mine']}").status_code == 200
    hidden = client.get(f"{NOTES}/details/?id={notes['hidden']}", follow_redirects=True)
    text = hidden.get_data(as_text=True)
    assert "Record does not exist." in text
    assert "do not read" not in text


def test_edit_of_hidden_row_is_refused_on_get_and_post(kernel, client_as, notes):
    client = client_as(notes["alice"])
    form = client.get(f"{NOTES}/edit/?id={notes['mine']}").get_data(as_text=True)
    token = csrf_from(form)
    opened = client.get(f"{NOTES}/edit/?id={notes['hidden']}", follow_redirects=True).get_data(as_text=True)
    assert "Record does not exist." in opened and "do not read" not in opened
    client.post(f"{NOTES}/edit/?id={notes['hidden']}",
                data={"csrf_token": token, "title": "taken over", "body": "x"})
    assert note_title(kernel, notes["hidden"]) == "bob's secret"


def test_delete_of_hidden_row_is_refused_one_by_one_and_in_bulk(kernel, client_as, notes):
    client = client_as(notes["alice"])
    token = csrf_from(client.get(f"{NOTES}/").get_data(as_text=True))
    client.post(f"{NOTES}/delete/", data={"csrf_token": token, "id": notes["hidden"]})
    client.post(f"{NOTES}/action/", data={"csrf_token": token, "action": "delete",
                                          "rowid": [notes["hidden"], notes["mine"]]})
    assert note_title(kernel, notes["hidden"]) == "bob's secret"
    assert note_title(kernel, notes["mine"]) is None  # her own went, as asked


def test_export_holds_only_visible_rows(client_as, notes):
    csv = client_as(notes["alice"]).get(f"{NOTES}/export/csv/").get_data(as_text=True)
    assert "alice's plan" in csv
    assert "bob's secret" not in csv


def test_relation_drop_down_lists_no_hidden_row(kernel, monkeypatch, client_as, make_user):
    """A rule on departments: a user manager sees only their own departments in the user form."""
    with kernel.system_session() as s:
        s.add_all([Department(name="会展部", code="EXPO"), Department(name="财务部", code="FIN")])
        s.commit()
    monkeypatch.setattr(kernel, "record_rules", kernel.record_rules + [
        RecordRule(Department, lambda p: Department.id.in_(p.department_ids), unless="core.department.read")])
    manager = make_user("hr", permissions=["core.user.read", "core.user.create", "core.user.update"],
                        departments=["EXPO"])
    client = client_as(manager)
    page = client.get("/admin/core_users/new/").get_data(as_text=True)
    assert "会展部" in page
    assert "财务部" not in page
    with kernel.system_session() as s:
        fin = s.scalar(select(Department.id).where(Department.code == "FIN"))
    client.post("/admin/core_users/new/", data={
        "csrf_token": csrf_from(page), "login": "newbie", "name": "New", "password": "long-enough-1",
        "departments": [str(fin)], "active": "y"})
    with kernel.system_session() as s:  # the hidden department is not linked
        newbie = s.scalar(select(User).where(User.login == "newbie"))
        assert [d.code for d in newbie.departments] == []


def test_saving_a_form_keeps_links_to_rows_the_editor_cannot_see(kernel, monkeypatch, client_as, make_user):
    make_user("both", departments=["EXPO", "FIN"])
    monkeypatch.setattr(kernel, "record_rules", kernel.record_rules + [
        RecordRule(Department, lambda p: Department.id.in_(p.department_ids), unless="core.department.read")])
    manager = make_user("hr", permissions=["core.user.read", "core.user.update"], departments=["EXPO"])
    client = client_as(manager)
    with kernel.system_session() as s:
        both = s.scalar(select(User).where(User.login == "both"))
        expo = s.scalar(select(Department.id).where(Department.code == "EXPO"))
    form = client.get(f"/admin/core_users/edit/?id={both.id}").get_data(as_text=True)
    client.post(f"/admin/core_users/edit/?id={both.id}", data={
        "csrf_token": csrf_from(form), "login": "both", "name": "Both of them", "departments": [str(expo)],
        "active": "y", "version_seen": str(both.version)})
    with kernel.system_session() as s:
        saved = s.scalar(select(User).where(User.login == "both"))
        assert saved.name == "Both of them"
        assert sorted(d.code for d in saved.departments) == ["EXPO", "FIN"]


def test_user_without_permission_gets_403_and_it_is_logged(kernel, client_as, make_user, plugin_enabled):
    plugin_enabled("example")
    nobody = make_user("nobody")
    before = refusals(kernel)
    response = client_as(nobody).get(f"{NOTES}/")
    assert response.status_code == 403
    assert refusals(kernel) == before + 1
    with kernel.system_session() as s:
        logged = s.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc())).first()
    assert logged.login == "nobody" and logged.path == f"{NOTES}/"


def test_action_typed_by_hand_without_its_permission_is_403(kernel, client_as, make_user, notes):
    reader = make_user("reader", permissions=["example.note.read"])
    client = client_as(reader)
    assert client.get(f"{NOTES}/").status_code == 200
    before = refusals(kernel)
    assert client.get(f"{NOTES}/new/").status_code == 403
    assert client.get(f"{NOTES}/export/csv/").status_code == 403
    assert client.get(f"{NOTES}/edit/?id={notes['mine']}").status_code == 403
    assert refusals(kernel) == before + 3


def test_disabled_module_view_is_404_not_403(kernel, client_as, notes):
    with plugin_state(kernel, "example", False):
        assert client_as(notes["alice"]).get(f"{NOTES}/").status_code == 404


def test_stale_edit_gets_a_conflict_message_and_does_not_overwrite(kernel, client_as, notes):
    client = client_as(notes["alice"])
    form = client.get(f"{NOTES}/edit/?id={notes['mine']}").get_data(as_text=True)
    seen = re.search(r'name="version_seen"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version_seen"', form)
    assert seen, "the edit form carries the version it was opened at"
    with kernel.system_session() as s:  # someone else saves in between
        s.get(Note, notes["mine"]).title = "bob's correction"
        s.commit()
    answer = client.post(f"{NOTES}/edit/?id={notes['mine']}", data={
        "csrf_token": csrf_from(form), "version_seen": seen.group(1) or seen.group(2),
        "title": "alice's late save", "body": "v2"})
    assert answer.status_code == 200
    assert "Someone else changed this record while you were editing it." in answer.get_data(as_text=True)
    assert note_title(kernel, notes["mine"]) == "bob's correction"


def test_fresh_edit_saves(kernel, client_as, notes):
    client = client_as(notes["alice"])
    form = client.get(f"{NOTES}/edit/?id={notes['mine']}").get_data(as_text=True)
    seen = re.search(r'name="version_seen"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version_seen"', form)
    client.post(f"{NOTES}/edit/?id={notes['mine']}", data={
        "csrf_token": csrf_from(form), "version_seen": seen.group(1) or seen.group(2),
        "title": "alice's final plan", "body": "v2"})
    assert note_title(kernel, notes["mine"]) == "alice's final plan"
