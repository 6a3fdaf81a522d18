"""Principals are cached per process, yet every change to what they are made of
takes effect on the next request."""
import pytest
from sqlalchemy import delete, select, text

from core.security import tokens
from core.security.models import Department, Role, RolePermission, User
from core.security.principal import load_principal, load_token_principal


@pytest.fixture
def reader(kernel, plugin_enabled, make_user):
    plugin_enabled("example")
    return make_user("reader", permissions=["example.note.read"], departments=["AV"])


def principal_of(kernel, user_id):
    with kernel.system_session() as s:
        return load_principal(s, user_id)


def test_an_unchanged_user_is_served_from_the_cache(kernel, reader):
    assert principal_of(kernel, reader.id) is principal_of(kernel, reader.id)


def test_a_token_reads_the_same_cached_principal_in_the_same_round_trip(kernel, reader):
    with kernel.system_session() as s:
        token, raw = tokens.issue(s, reader.id, "ci")
        s.commit()
        token_id = token.id
    cached = principal_of(kernel, reader.id)
    with kernel.system_session() as s:
        row, principal = load_token_principal(s, tokens.hash_of(raw))
        assert row[:2] == (token_id, reader.id) and principal is cached
        assert load_token_principal(s, tokens.hash_of(raw + "x")) == (None, None)
        tokens.revoke(s, s.get(type(token), token_id))
        s.commit()
        assert load_token_principal(s, tokens.hash_of(raw)) == (None, None)


def test_a_permission_granted_to_the_role_works_on_the_next_request(kernel, app, client_as, reader):
    client = client_as(reader)
    assert client.post("/api/v1/example/notes", json={"title": "签到表"}).status_code == 403
    with kernel.system_session() as s:
        role = s.scalar(select(Role).where(Role.name == "test_reader"))
        role.permissions.append(RolePermission(permission="example.note.create"))
        s.commit()
    assert client.post("/api/v1/example/notes", json={"title": "签到表"}).status_code == 201


def test_a_permission_taken_from_the_role_is_gone_on_the_next_request(kernel, app, client_as, reader):
    client = client_as(reader)
    assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.system_session() as s:
        role = s.scalar(select(Role).where(Role.name == "test_reader"))
        role.permissions.clear()
        s.commit()
    assert client.get("/api/v1/example/notes").status_code == 403


def test_a_bulk_delete_of_permissions_is_seen_on_the_next_request(kernel, app, client_as, reader):
    client = client_as(reader)
    assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.system_session() as s:
        s.execute(delete(RolePermission).where(RolePermission.permission == "example.note.read"))
        s.commit()
    assert client.get("/api/v1/example/notes").status_code == 403


def test_a_role_taken_from_the_user_is_gone_on_the_next_request(kernel, app, client_as, reader):
    client = client_as(reader)
    assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.system_session() as s:
        user = s.get(User, reader.id)
        user.roles.clear()
        s.commit()
    assert client.get("/api/v1/example/notes").status_code == 403


def test_a_deactivated_user_has_no_principal(kernel, reader):
    assert principal_of(kernel, reader.id) is not None
    with kernel.system_session() as s:
        user = s.get(User, reader.id)
        user.active = False
        s.commit()
    assert principal_of(kernel, reader.id) is None


def test_department_changes_reach_the_principal(kernel, reader):
    av = principal_of(kernel, reader.id).department_ids
    with kernel.system_session() as s:
        user = s.get(User, reader.id)
        user.departments.append(Department(code="CAT", name="餐饮部"))
        s.commit()
        both = {d.id for d in user.departments}
    assert principal_of(kernel, reader.id).department_ids == both != av
    with kernel.system_session() as s:
        s.delete(s.scalar(select(Department).where(Department.code == "CAT")))
        s.commit()
    assert principal_of(kernel, reader.id).department_ids == av


def test_a_new_user_under_a_reused_id_is_not_taken_for_the_old_one(kernel, reader):
    assert principal_of(kernel, reader.id).login == "reader"
    with kernel.system_session() as s:
        old = s.get(User, reader.id)
        roles, departments = list(old.roles), list(old.departments)
        s.delete(old)
        s.commit()
        s.add(User(id=reader.id, login="newcomer", name="Newcomer", roles=roles, departments=departments))
        s.commit()
    assert principal_of(kernel, reader.id).login == "newcomer"


def test_a_permission_taken_away_past_the_session_is_gone_on_the_next_request(kernel, app, client_as, reader):
    """Raw SQL, another program: the database itself marks the change (``core.db.change_epoch``)."""
    client = client_as(reader)
    assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.engine.begin() as conn:
        conn.execute(text("DELETE FROM core_role_permission WHERE permission = 'example.note.read'"))
    assert client.get("/api/v1/example/notes").status_code == 403


def test_a_change_rolled_back_leaves_the_cached_principal_right(kernel, reader):
    before = principal_of(kernel, reader.id)
    with kernel.system_session() as s:
        s.get(User, reader.id).name = "Renamed"
        s.flush()
        assert load_principal(s, reader.id).name == "Renamed"  # this transaction sees its own change
        s.rollback()
    after = principal_of(kernel, reader.id)
    assert after.name == before.name == "Reader"


def test_a_module_switched_off_past_the_session_is_off_on_the_next_request(kernel, app, client_as, reader):
    client = client_as(reader)
    assert client.get("/api/v1/example/notes").status_code == 200
    with kernel.engine.begin() as conn:
        conn.execute(text("UPDATE core_module SET enabled = false WHERE name = 'example'"))
    assert client.get("/api/v1/example/notes").status_code == 404


def test_a_column_no_principal_is_made_of_leaves_the_cache_alone(kernel, reader):
    cached = principal_of(kernel, reader.id)
    with kernel.system_session() as s:
        s.get(User, reader.id).email = "reader@example.com"
        s.commit()
    assert principal_of(kernel, reader.id) is cached
