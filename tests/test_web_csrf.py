"""CSRF: a token verified once is remembered, yet a write is accepted only as Flask-WTF would."""
import pytest
from flask import Flask
from flask_wtf.csrf import generate_csrf

from core.web.csrf import RememberingCSRF


@pytest.fixture
def csrf_app():
    app = Flask("csrf")
    app.secret_key = "a-secret"
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    RememberingCSRF(app)

    @app.get("/token")
    def _token():
        return {"token": generate_csrf()}

    @app.post("/write")
    def _write():
        return {"ok": True}

    return app


def client_with_token(app):
    client = app.test_client()
    return client, client.get("/token").get_json()["token"]


def test_a_write_needs_its_sessions_token_in_the_header_or_the_form(csrf_app):
    client, token = client_with_token(csrf_app)
    assert client.post("/write", json={}).status_code == 400
    assert client.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 200
    assert client.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 200  # remembered
    assert client.post("/write", data={"csrf_token": token}).status_code == 200


def test_a_remembered_token_is_refused_with_another_session(csrf_app):
    alice, token = client_with_token(csrf_app)
    assert alice.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 200
    mallory, _own = client_with_token(csrf_app)
    assert mallory.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 400
    nobody = csrf_app.test_client()  # no session token at all
    assert nobody.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 400


def test_a_tampered_token_is_refused_and_not_remembered(csrf_app):
    client, token = client_with_token(csrf_app)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post("/write", json={}, headers={"X-CSRFToken": forged}).status_code == 400
    assert all(key[1] != forged for key in csrf_app.extensions["csrf"]._verified)


def test_expiring_tokens_are_never_remembered(csrf_app):
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    client, token = client_with_token(csrf_app)
    assert client.post("/write", json={}, headers={"X-CSRFToken": token}).status_code == 200
    assert csrf_app.extensions["csrf"]._verified == {}


def test_https_writes_still_need_a_same_origin_referrer(csrf_app):
    client, token = client_with_token(csrf_app)
    secure = {"X-CSRFToken": token}
    assert client.post("/write", json={}, headers=secure, base_url="https://localhost").status_code == 400
    assert client.post("/write", json={}, base_url="https://localhost",
                       headers={**secure, "Referer": "https://localhost/page"}).status_code == 200
