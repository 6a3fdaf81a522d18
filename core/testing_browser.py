"""Fixtures for driving the real application in Chromium (tests marked ``browser``).

Loaded for every test folder, the kernel's and the plugins', from the root
``conftest.py``.

``live_server`` serves the session's app (and so the test database) with
werkzeug on a free local port, in a thread; each xdist worker has its own
database and its own port. ``page`` is a fresh browser tab in a fresh
context (no cookies) of Debian's Chromium, driven by Playwright's sync API:
Playwright's own browser download is never used.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def closing(app):
    """Close every response, even when the browser drops the connection mid-way.

    werkzeug's development server can fail before closing the response when a
    page is left while its static files still stream, leaving an open file for
    the garbage collector (a ResourceWarning, an error in this test run). A
    generator is closed when it is dropped, and closes the response with it.
    """

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(app):
    """The base URL of the app served for one test; stopped before the database is reset."""
    server = make_server("127.0.0.1", 0, closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in(live_server, page):
    """``log_in("admin", password)`` through the login form; leaves the page on the admin home."""

    def log_in(login: str, password: str):
        page.goto(f"{live_server}/login")
        page.fill("#login", login)
        page.fill("#password", password)
        page.click("#login-submit")
        page.locator("#user-menu").wait_for()
        return page

    return log_in
