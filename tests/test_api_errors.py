"""Every API error is JSON of one shape, in the caller's language, and never a 500 for bad input."""
import pytest
from huiwu_example.models import Note
from sqlalchemy import event, func, select, update

from core.api.messages import translate
from core.db.types import utcnow
from core.security.log import SecurityEvent
from core.security.models import User
from core.security.tokens import issue


@pytest.fixture
def writer(app, kernel, make_user, plugin_enabled):
    """A note taker calling the API with a bearer token (no CSRF needed)."""
    plugin_enabled("example")
    user = make_user("writer", roles=["note_taker"], locale="en")
    with kernel.system_session() as s:
        _token, raw = issue(s, user.id, "tests")
        s.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def assert_error_shape(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_validation_error_names_each_field(writer):
    body = assert_error_shape(writer.post("/api/v1/example/notes", json={"title": "", "body": 5, "colour": "red"}),
                              422, "validation_failed")
    assert body["errors"] == {"title": ["Length must be between 1 and 200."],
                              "body": ["Not a valid text."],
                              "colour": ["Unknown field."]}


def test_missing_field_and_wrong_type_of_body(writer):
    missing = assert_error_shape(writer.post("/api/v1/example/notes", json={}), 422, "validation_failed")
    assert missing["errors"] == {"title": ["This field is required."]}
    listed = assert_error_shape(writer.post("/api/v1/example/notes", json=[1, 2]), 422, "validation_failed")
    assert listed["errors"] == {"_schema": ["The input has the wrong type."]}


def test_the_users_own_language_wins_over_accept_language(writer):
    response = writer.post("/api/v1/example/notes", json={"title": "x" * 201},
                           headers={"Accept-Language": "zh-CN"})
    assert response.get_json()["errors"]["title"] == ["Length must be between 1 and 200."]


def test_error_in_chinese_by_the_users_locale(app, kernel, make_user, plugin_enabled):
    plugin_enabled("example")
    user = make_user("wang", roles=["note_taker"], locale="zh_Hans")
    with kernel.system_session() as s:
        _token, raw = issue(s, user.id, "tests")
        s.commit()
    response = app.test_client().post("/api/v1/example/notes", json={"title": ""},
                                      headers={"Authorization": f"Bearer {raw}"})
    body = assert_error_shape(response, 422, "validation_failed")
    assert body["message"] == "部分字段填写有误。"
    assert body["errors"]["title"] == ["长度必须在 1 到 200 之间。"]


def test_error_in_chinese_by_accept_language_when_nobody_is_logged_in(app):
    response = app.test_client().get("/api/v1/core/me", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert assert_error_shape(response, 401, "unauthorized")["message"] == "请先登录。"
    english = app.test_client().get("/api/v1/core/me", headers={"Accept-Language": "en-US"})
    assert english.get_json()["message"] == "Please log in first."


@pytest.mark.parametrize(("english", "chinese"), [
    ("Must be greater than or equal to 1 and less than or equal to 100.", "必须在 1 到 100 之间。"),
    ("Must be one of: zh_Hans, en.", "必须是以下之一：zh_Hans, en。"),
    ("Not a valid datetime.", "不是有效的日期时间（请用 ISO 8601 格式，如 2026-05-01T09:30:00+08:00）。"),
    ("Shorter than minimum length 8.", "至少 8 个字符。"),
    ("A plugin's own message stays as it is.", "A plugin's own message stays as it is."),
])
def test_marshmallow_messages_are_translated_with_their_numbers(app, english, chinese):
    with app.test_request_context("/api/v1/core/me", headers={"Accept-Language": "zh-CN"}):
        assert translate(english) == chinese


def test_malformed_json_is_400(writer):
    response = writer.post("/api/v1/example/notes", data='{"title": "x"', content_type="application/json")
    body = assert_error_shape(response, 400, "bad_request")
    assert body["message"] == "The request body is not valid JSON."


def test_not_logged_in_is_401_not_a_redirect(app):
    response = app.test_client().post("/api/v1/core/tokens", json={"name": "x"})
    assert_error_shape(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_missing_permission_is_403_and_logged(app, kernel, make_user, plugin_enabled, client_as):
    plugin_enabled("example")
    reader = make_user("reader", permissions=["example.note.read"])
    client = client_as(reader)
    csrf = client.get("/api/v1/core/me").get_json()["csrf_token"]
    response = client.post("/api/v1/example/notes", json={"title": "x"}, headers={"X-CSRFToken": csrf})
    assert assert_error_shape(response, 403, "forbidden")["message"].endswith("(example.note.create)")
    with kernel.system_session() as s:
        refusal = s.execute(select(SecurityEvent).where(SecurityEvent.kind == "refused")).scalar_one()
        assert (refusal.login, refusal.path) == ("reader", "/api/v1/example/notes")
        assert s.scalar(select(func.count()).select_from(Note)) == 0


def test_unknown_url_hidden_row_and_disabled_plugin_are_404(app, kernel, writer):
    assert_error_shape(writer.get("/api/v1/nowhere"), 404, "not_found")
    assert_error_shape(writer.get("/api/v1/example/notes/12345"), 404, "not_found")
    assert_error_shape(writer.get("/api/v1/example/notes/99999999999999999999999"), 404, "not_found")
    from core.testing import plugin_state

    with plugin_state(kernel, "example", False):
        assert_error_shape(writer.get("/api/v1/example/notes"), 404, "not_found")
        assert_error_shape(app.test_client().get("/api/v1/example/notes"), 404, "not_found")


def test_wrong_method_is_405_with_allow(writer):
    response = writer.put("/api/v1/example/notes", json={})
    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_stale_version_is_409_and_changes_nothing(writer):
    note = writer.post("/api/v1/example/notes", json={"title": "plan"}).get_json()
    assert writer.patch(f"/api/v1/example/notes/{note['id']}",
                        json={"title": "plan B", "version": 1}).get_json()["version"] == 2
    stale = writer.patch(f"/api/v1/example/notes/{note['id']}", json={"title": "plan C", "version": 1})
    assert assert_error_shape(stale, 409, "conflict")["errors"]["version"]
    assert writer.get(f"/api/v1/example/notes/{note['id']}").get_json()["title"] == "plan B"


def test_edit_without_version_is_refused(writer):
    note = writer.post("/api/v1/example/notes", json={"title": "plan"}).get_json()
    response = writer.patch(f"/api/v1/example/notes/{note['id']}", json={"title": "plan B"})
    assert assert_error_shape(response, 422, "validation_failed")["errors"] == {
        "version": ["This field is required."]}


def test_concurrent_write_between_read_and_flush_is_409(writer):
    """Someone else's UPDATE lands after our version check: the ORM's versioned UPDATE catches it."""
    note = writer.post("/api/v1/example/notes", json={"title": "plan"}).get_json()

    def someone_else_saves(_mapper, connection, target):
        connection.execute(update(Note).where(Note.id == target.id).values(version=Note.version + 1))

    event.listen(Note, "before_update", someone_else_saves)
    try:
        response = writer.patch(f"/api/v1/example/notes/{note['id']}", json={"title": "mine", "version": 1})
    finally:
        event.remove(Note, "before_update", someone_else_saves)
    assert_error_shape(response, 409, "conflict")
    assert writer.get(f"/api/v1/example/notes/{note['id']}").get_json()["title"] == "plan"


def test_a_duplicate_saved_by_someone_else_first_is_409(app, kernel, admin_client):
    """The login was free when checked, but another request inserted it before our INSERT."""
    csrf = admin_client.get("/api/v1/core/me").get_json()["csrf_token"]

    def someone_else_inserts(_mapper, connection, target):
        connection.execute(User.__table__.insert().values(
            login=target.login, name="first", active=True, is_superuser=False, is_portal=False,
            version=1, created_at=utcnow(), updated_at=utcnow()))

    event.listen(User, "before_insert", someone_else_inserts)
    try:
        response = admin_client.post("/api/v1/core/users", headers={"X-CSRFToken": csrf},
                                     json={"login": "twin", "name": "second", "password": "long-enough-1"})
    finally:
        event.remove(User, "before_insert", someone_else_inserts)
    assert_error_shape(response, 409, "conflict")
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.login == "twin")) == 0


def test_numbers_too_large_for_the_database_are_4xx(writer):
    response = writer.get("/api/v1/example/notes?page=100000000000000000000000")
    assert_error_shape(response, 422, "validation_failed")
