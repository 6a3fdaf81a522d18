"""Two real server processes on one database agree on which modules are on.

Both run ``huiwu run`` as an operator would; the module is switched from a
third process (this one, as ``huiwu modules disable`` would). Neither server
is told anything: each reads the state at its next request.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from core.security.models import User
from core.testing import plugin_state

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def huiwu_env(kernel):
    return {**os.environ,
            "HUIWU_DATABASE_URL": kernel.settings.database_url,
            "HUIWU_INSTANCE_PATH": str(kernel.settings.instance_path),
            "HUIWU_SECRET_KEY": kernel.settings.secret_key,
            "HUIWU_DATA_KEY": kernel.settings.data_key}


@pytest.fixture
def two_servers(huiwu_env, tmp_path):
    servers = []
    for n in range(2):
        port = free_port()
        log = (tmp_path / f"server{n}.log").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "core.cli", "run", "--port", str(port), "--no-scheduler"],
                                env=huiwu_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        servers.append((proc, f"http://127.0.0.1:{port}", log))
    try:
        for proc, url, _log in servers:
            _wait_until_serving(proc, url)
        yield [url for _proc, url, _log in servers]
    finally:
        for proc, _url, log in servers:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


def _wait_until_serving(proc, url):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server at {url} exited"
        try:
            if requests.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"server at {url} did not start")


def admin_cookie(app, kernel):
    """The session cookie Flask-Login sets for the administrator (both servers share the key)."""
    with kernel.system_session() as s:
        admin_id = s.scalar(select(User.id).where(User.login == "admin"))
    serializer = app.session_interface.get_signing_serializer(app)
    return {"session": serializer.dumps({"_user_id": str(admin_id), "_fresh": True, "locale": "en"})}


def statuses(urls, path, cookies):
    return [requests.get(url + path, cookies=cookies, timeout=10).status_code for url in urls]


def test_disabling_from_another_process_reaches_both_servers(app, kernel, plugin_enabled, two_servers):
    plugin_enabled("example")
    cookies = admin_cookie(app, kernel)
    assert statuses(two_servers, "/api/v1/example/notes", cookies) == [200, 200]

    with plugin_state(kernel, "example", False):
        pass
    assert statuses(two_servers, "/api/v1/example/notes", cookies) == [404, 404]
    assert statuses(two_servers, "/admin/example_notes/", cookies) == [404, 404]

    with plugin_state(kernel, "example", True):
        pass
    assert statuses(two_servers, "/api/v1/example/notes", cookies) == [200, 200]
    assert statuses(two_servers, "/admin/example_notes/", cookies) == [200, 200]
