"""The kernel's own endpoints: me, modules, users, audit."""
import json

import pytest
from sqlalchemy import select

from core.security.models import User
from core.security.passwords import verify_password
from core.testing import plugin_state


@pytest.fixture
def api(admin_client):
    """The administrator's cookie session, sending its CSRF token on writes."""
    csrf = admin_client.get("/api/v1/core/me").get_json()["csrf_token"]
    admin_client.environ_base["HTTP_X_CSRFTOKEN"] = csrf
    return admin_client


def test_me_says_who_and_what(client_as, make_user):
    user = make_user("li", permissions=["core.user.read"], locale="zh_Hans")
    me = client_as(user).get("/api/v1/core/me").get_json()
    assert (me["login"], me["locale"], me["is_portal"], me["via_token"]) == ("li", "zh_Hans", False, False)
    assert me["permissions"] == ["core.user.read"]
    assert me["scopes"] is None and me["csrf_token"]


def test_modules_list_their_state(api, kernel, plugin_enabled):
    plugin_enabled("example")
    example = {m["name"]: m for m in api.get("/api/v1/core/modules").get_json()}["example"]
    assert (example["enabled"], example["installed"], example["version"]) == (True, True, "0.1.0")
    with plugin_state(kernel, "example", False):
        example = {m["name"]: m for m in api.get("/api/v1/core/modules").get_json()}["example"]
        assert (example["enabled"], example["installed"]) == (False, True)


def test_module_titles_follow_the_language(app, kernel, plugin_enabled, make_user, client_as):
    user = make_user("zhang", permissions=["core.module.read"], locale="zh_Hans")
    modules = client_as(user, locale="zh_Hans").get("/api/v1/core/modules").get_json()
    assert {m["name"]: m["title"] for m in modules}["example"] == "便签"


def test_modules_need_permission(client_as, make_user):
    assert client_as(make_user("nobody")).get("/api/v1/core/modules").status_code == 403


def test_create_user(api, kernel):
    response = api.post("/api/v1/core/users", json={
        "login": "zhao", "name": "赵敏", "password": "long-enough-1", "email": "zhao@example.cn",
        "locale": "zh_Hans", "roles": ["administrator"]})
    assert response.status_code == 201, response.get_json()
    assert "password" not in response.get_json()
    with kernel.system_session() as s:
        user = s.scalar(select(User).where(User.login == "zhao"))
        assert user.name == "赵敏" and [r.name for r in user.roles] == ["administrator"]
        assert verify_password(user.password_hash, "long-enough-1")


def test_create_user_refuses_taken_login_short_password_and_unknown_role(api):
    taken = api.post("/api/v1/core/users", json={"login": "ADMIN", "name": "x", "password": "long-enough-1"})
    assert (taken.status_code, list(taken.get_json()["errors"])) == (422, ["login"])
    short = api.post("/api/v1/core/users", json={"login": "qian", "name": "x", "password": "short"})
    assert (short.status_code, list(short.get_json()["errors"])) == (422, ["password"])
    role = api.post("/api/v1/core/users", json={"login": "qian", "name": "x", "password": "long-enough-1",
                                                 "roles": ["pope"]})
    assert (role.status_code, list(role.get_json()["errors"])) == (422, ["roles"])


def test_a_user_manager_cannot_grant_more_than_they_hold(client_as, make_user, kernel):
    manager = make_user("hr", permissions=["core.user.read", "core.user.create", "core.user.update"])
    client = client_as(manager)
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get("/api/v1/core/me").get_json()["csrf_token"]
    response = client.post("/api/v1/core/users", json={"login": "mole", "name": "x", "password": "long-enough-1",
                                                       "roles": ["administrator"]})
    assert response.status_code == 403
    with kernel.system_session() as s:
        assert s.scalar(select(User).where(User.login == "mole")) is None
    assert client.post("/api/v1/core/users", json={"login": "mole", "name": "x",
                                                    "password": "long-enough-1"}).status_code == 201


def test_list_users_with_search_and_pages(api, make_user):
    for login in ("sun1", "sun2", "sun3"):
        make_user(login)
    response = api.get("/api/v1/core/users?q=sun&page_size=2&page=2")
    assert [u["login"] for u in response.get_json()] == ["sun3"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_totals_of_huge_lists_are_capped_not_counted_to_the_end(api, make_user, monkeypatch):
    from core.api import base

    monkeypatch.setattr(base, "COUNT_CAP", 2)
    for login in ("moon1", "moon2", "moon3", "moon4"):
        make_user(login)
    response = api.get("/api/v1/core/users?q=moon&page_size=2")
    assert json.loads(response.headers["X-Pagination"])["total"] == 3  # "more than 2"
    assert len(response.get_json()) == 2


def test_edit_user_with_version(api, make_user, kernel):
    user = make_user("zhou")
    edited = api.patch(f"/api/v1/core/users/{user.id}", json={"name": "周杰", "version": 1, "roles": ["administrator"]})
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["name"], edited.get_json()["roles"]) == ("周杰", ["administrator"])
    stale = api.patch(f"/api/v1/core/users/{user.id}", json={"name": "周杰伦", "version": 1})
    assert stale.status_code == 409
    with kernel.system_session() as s:
        assert s.get(User, user.id).name == "周杰"


def test_only_a_superuser_edits_a_superuser(client_as, make_user, kernel):
    boss = make_user("boss", superuser=True)
    manager = make_user("hr", permissions=["core.user.read", "core.user.update"])
    client = client_as(manager)
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get("/api/v1/core/me").get_json()["csrf_token"]
    assert client.patch(f"/api/v1/core/users/{boss.id}", json={"active": False, "version": 1}).status_code == 403
    with kernel.system_session() as s:
        assert s.get(User, boss.id).active


def test_audit_of_one_record(api, plugin_enabled):
    plugin_enabled("example")
    note = api.post("/api/v1/example/notes", json={"title": "draft"}).get_json()
    api.patch(f"/api/v1/example/notes/{note['id']}", json={"title": "final", "version": 1})
    trail = api.get(f"/api/v1/core/audit?table=example_note&record={note['id']}").get_json()
    assert [(e["action"], e["user_login"]) for e in trail] == [("update", "admin"), ("insert", "admin")]
    assert trail[0]["changes"]["title"] == ["draft", "final"]


def test_audit_needs_permission(client_as, make_user):
    assert client_as(make_user("curious")).get("/api/v1/core/audit?table=core_user").status_code == 403
