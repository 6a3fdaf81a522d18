"""Session cookies: a cookie verified once is remembered, yet what is accepted stays Flask's."""
from datetime import timedelta

import pytest
from flask import Flask, session

from core.web import sessions


@pytest.fixture
def cookie_app():
    app = Flask("sessions")
    app.secret_key = "a-secret"
    app.session_interface = sessions.RememberingSessionInterface()

    @app.get("/_test/session/<key>")
    def _read(key):
        return {"value": session.get(key)}

    @app.get("/_test/session-vary/<key>")
    def _read_varying(key):
        return {"value": session.get(key)}, 200, {"Vary": "Accept-Language"}

    @app.get("/_test/session-append")
    def _append():
        session.setdefault("seen", []).append("x")
        session.modified = True
        return {"seen": session["seen"]}

    return app


def signed(app, data) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def read(app, cookie, key="who"):
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get(f"/_test/session/{key}").get_json()["value"]


def test_a_cookie_reads_the_same_the_second_time(cookie_app):
    cookie = signed(cookie_app, {"who": "li"})
    assert read(cookie_app, cookie) == "li"
    assert cookie in cookie_app.session_interface._verified
    assert read(cookie_app, cookie) == "li"


def test_a_tampered_cookie_is_an_empty_session_and_never_remembered(cookie_app):
    cookie = signed(cookie_app, {"who": "li"})
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert read(cookie_app, forged) is None
    assert forged not in cookie_app.session_interface._verified


def test_a_remembered_cookie_still_expires(cookie_app, monkeypatch):
    cookie = signed(cookie_app, {"who": "li"})
    assert read(cookie_app, cookie) == "li"
    cookie_app.permanent_session_lifetime = timedelta(seconds=60)
    real_time = sessions.time.time
    monkeypatch.setattr(sessions.time, "time", lambda: real_time() + 120)
    assert read(cookie_app, cookie) is None


def test_a_new_secret_key_refuses_remembered_cookies(cookie_app):
    cookie = signed(cookie_app, {"who": "li"})
    assert read(cookie_app, cookie) == "li"
    cookie_app.secret_key = "another-secret"
    assert read(cookie_app, cookie) is None


def test_changing_a_session_does_not_change_what_its_cookie_remembers(cookie_app):
    cookie = signed(cookie_app, {"seen": ["a"]})
    client = cookie_app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/_test/session-append").get_json()["seen"] == ["a", "x"]
    other = cookie_app.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/_test/session-append").get_json()["seen"] == ["a", "x"]


def test_an_unchanged_session_sets_no_cookie_and_a_changed_one_does(cookie_app):
    client = cookie_app.test_client()
    client.set_cookie("session", signed(cookie_app, {"seen": ["a"]}))
    read_only = client.get("/_test/session/seen")
    assert "Set-Cookie" not in read_only.headers and read_only.headers["Vary"] == "Cookie"
    changed = client.get("/_test/session-append")
    assert changed.headers["Set-Cookie"].startswith("session=")


def test_a_session_read_adds_cookie_to_the_vary_header_the_view_set(cookie_app):
    client = cookie_app.test_client()
    client.set_cookie("session", signed(cookie_app, {"who": "li"}))
    response = client.get("/_test/session-vary/who")
    assert response.get_json()["value"] == "li"
    assert response.headers.getlist("Vary") == ["Accept-Language, Cookie"]


def test_the_session_cookie_is_found_among_others_and_the_header_remembered(cookie_app):
    cookie = signed(cookie_app, {"who": "li"})
    client = cookie_app.test_client()
    client.set_cookie("theme", "dark")
    client.set_cookie("session", cookie)
    assert client.get("/_test/session/who").get_json()["value"] == "li"
    assert client.get("/_test/session/who").get_json()["value"] == "li"
    assert [v for (_header, name), v in cookie_app.session_interface._in_header.items() if name == "session"] == [cookie]
    # another value under the same name is another header: read afresh, never the remembered one
    client.set_cookie("session", signed(cookie_app, {"who": "wang"}))
    assert client.get("/_test/session/who").get_json()["value"] == "wang"
    client.delete_cookie("session")
    assert client.get("/_test/session/who").get_json()["value"] is None
