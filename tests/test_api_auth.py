"""Session cookies (with CSRF on writes) and bearer tokens (hashed, scoped, revocable)."""
import hashlib
from datetime import timedelta

import pytest
from flask_login.utils import _create_identifier
from huiwu_example.models import Note
from sqlalchemy import func, select

from core.db.types import utcnow
from core.security.log import SecurityEvent
from core.security.models import ApiToken, User
from core.security.tokens import issue
from core.web.auth import remembering_identifier


def bearer(app, raw):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.fixture
def taker(make_user, plugin_enabled):
    plugin_enabled("example")
    return make_user("taker", roles=["note_taker"])


def csrf_of(client):
    return client.get("/api/v1/core/me").get_json()["csrf_token"]


def notes_in_db(kernel):
    with kernel.system_session() as s:
        return s.scalar(select(func.count()).select_from(Note))


def test_cookie_session_write_needs_the_csrf_header(app, kernel, client_as, taker):
    client = client_as(taker, api_csrf=False)
    refused = client.post("/api/v1/example/notes", json={"title": "x"})
    assert refused.status_code == 400
    assert refused.get_json()["code"] == "csrf_failed"
    assert notes_in_db(kernel) == 0
    done = client.post("/api/v1/example/notes", json={"title": "x"}, headers={"X-CSRFToken": csrf_of(client)})
    assert done.status_code == 201
    assert notes_in_db(kernel) == 1


def test_cookie_session_reads_without_csrf(client_as, taker):
    assert client_as(taker).get("/api/v1/example/notes").status_code == 200


def test_token_is_shown_once_and_stored_hashed(app, kernel, client_as, taker):
    client = client_as(taker)
    issued = client.post("/api/v1/core/tokens", json={"name": "laptop"}, headers={"X-CSRFToken": csrf_of(client)})
    assert issued.status_code == 201
    raw = issued.get_json()["token"]
    listed = client.get("/api/v1/core/tokens").get_json()
    assert [t["name"] for t in listed] == ["laptop"]
    assert "token" not in listed[0] and raw not in client.get("/api/v1/core/tokens").get_data(as_text=True)
    with kernel.system_session() as s:
        stored = s.execute(select(ApiToken)).scalar_one()
        assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert s.scalar(select(SecurityEvent.kind).where(SecurityEvent.kind == "token_issued")) == "token_issued"
    # a token needs no CSRF header: it cannot be sent by another site's form
    assert bearer(app, raw).post("/api/v1/example/notes", json={"title": "by token"}).status_code == 201


def test_revoked_token_is_401(app, kernel, client_as, taker):
    client = client_as(taker)
    issued = client.post("/api/v1/core/tokens", json={"name": "ci"}, headers={"X-CSRFToken": csrf_of(client)})
    raw, token_id = issued.get_json()["token"], issued.get_json()["id"]
    assert bearer(app, raw).get("/api/v1/core/me").get_json()["login"] == "taker"
    assert client.delete(f"/api/v1/core/tokens/{token_id}", headers={"X-CSRFToken": csrf_of(client)}).status_code == 204
    refused = bearer(app, raw).get("/api/v1/core/me", headers={"Accept-Language": "en"})
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["message"]
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == "token_revoked")) == 1


def test_expired_and_unknown_tokens_are_401(app, kernel, taker):
    with kernel.system_session() as s:
        _t, raw = issue(s, taker.id, "old", expires_at=utcnow() - timedelta(minutes=1))
        s.commit()
    assert bearer(app, raw).get("/api/v1/example/notes").status_code == 401
    assert bearer(app, "hw_made-up").get("/api/v1/example/notes").status_code == 401


def test_a_bad_token_is_not_rescued_by_a_cookie(client_as, taker):
    client = client_as(taker)
    response = client.get("/api/v1/core/me", headers={"Authorization": "Bearer hw_made-up"})
    assert response.status_code == 401


def test_token_scopes_limit_permissions(app, kernel, taker):
    with kernel.system_session() as s:
        _t, raw = issue(s, taker.id, "read only", scopes="example.note.read")
        s.commit()
    client = bearer(app, raw)
    assert client.get("/api/v1/example/notes").status_code == 200
    refused = client.post("/api/v1/example/notes", json={"title": "x"})
    assert refused.status_code == 403
    assert notes_in_db(kernel) == 0
    assert client.get("/api/v1/core/me").get_json()["permissions"] == ["example.note.read"]


def test_a_scoped_token_cannot_mint_a_wider_one(app, kernel, taker):
    with kernel.system_session() as s:
        _t, raw = issue(s, taker.id, "narrow", scopes="example.note.read")
        s.commit()
    client = bearer(app, raw)
    assert client.post("/api/v1/core/tokens", json={"name": "wide", "scopes": ["example."]}).status_code == 403
    same = client.post("/api/v1/core/tokens", json={"name": "same"})
    assert same.status_code == 201
    assert same.get_json()["scopes"] == ["example.note.read"]


def test_unknown_scope_is_422(client_as, taker):
    client = client_as(taker)
    response = client.post("/api/v1/core/tokens", json={"name": "x", "scopes": ["crm.nothing.read"]},
                           headers={"X-CSRFToken": csrf_of(client)})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["scopes"]


def test_someone_elses_token_cannot_be_seen_or_revoked(app, kernel, client_as, make_user, taker):
    other = make_user("other")
    with kernel.system_session() as s:
        token, _raw = issue(s, other.id, "theirs")
        s.commit()
        token_id = token.id
    client = client_as(taker)
    assert client.get("/api/v1/core/tokens").get_json() == []
    assert client.delete(f"/api/v1/core/tokens/{token_id}", headers={"X-CSRFToken": csrf_of(client)}).status_code == 404
    with kernel.system_session() as s:
        assert s.get(ApiToken, token_id).revoked_at is None


def test_expiry_is_set_from_days(client_as, taker):
    client = client_as(taker)
    body = client.post("/api/v1/core/tokens", json={"name": "month", "expires_in_days": 30},
                       headers={"X-CSRFToken": csrf_of(client)}).get_json()
    assert body["expires_at"][:10] == (utcnow() + timedelta(days=30)).date().isoformat()


def test_tokens_open_only_the_api(app, kernel):
    with kernel.system_session() as s:
        admin = s.scalar(select(User).where(User.login == "admin"))
        _t, raw = issue(s, admin.id, "admin token")
        s.commit()
    assert bearer(app, raw).get("/api/v1/core/me").status_code == 200
    page = bearer(app, raw).get("/admin/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_the_session_identifier_is_flask_logins_for_each_client(app):
    identifier = remembering_identifier()
    clients = [("10.0.0.1", "Firefox", None), ("10.0.0.1", "Chrome", None), ("10.0.0.2", "Firefox", None),
               ("10.0.0.1", "Firefox", "203.0.113.9"), ("10.0.0.1", "Firefox", None)]
    seen = set()
    for address, agent, forwarded in clients:
        headers = {"User-Agent": agent} | ({"X-Forwarded-For": forwarded} if forwarded else {})
        with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": address}):
            assert identifier() == _create_identifier()
            seen.add(identifier())
    assert len(seen) == 4
