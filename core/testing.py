"""Pytest fixtures for the kernel's and every plugin's tests (loaded by the root conftest).

The suite runs on SQLite by default and on PostgreSQL when
``HUIWU_TEST_DATABASE_URL`` points at a server: a fresh database is made for
the run (one per xdist worker) and dropped afterwards. Each test starts from
the state ``huiwu init`` leaves: tables emptied, roles and the administrator
re-created, built-in modules enabled.
"""
from __future__ import annotations

import functools
import os
import re
import secrets
import uuid
from contextlib import contextmanager

import argon2
import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from core.config import Settings
from core.security import passwords
from core.security.models import Department, Role, RolePermission, User
from core.security.passwords import hash_password

# Hashing at production cost takes most of a second on a small machine; tests need no such cost.
passwords.use_parameters(argon2.profiles.CHEAPEST)

ADMIN_PASSWORD = "admin-test-pw"
#: Kept by ``reset_database``: the change epoch's one row takes a new value from the emptying itself.
KEEP_TABLES = {"core_alembic_version", "core_change_epoch"}


@functools.cache
def cached_hash(password: str) -> str:
    """argon2 is slow on purpose; tests hash each distinct password once."""
    return hash_password(password)


def _make_pg_database(base_url: str, worker: str) -> tuple[str, callable]:
    url = make_url(base_url)
    name = f"huiwu_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("HUIWU_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    url, drop = _make_pg_database(base, worker)
    yield url
    drop()


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def make_settings(database_url, instance_path, **extra) -> Settings:
    return Settings.from_env(instance_path=instance_path, database_url=database_url,
                             secret_key="test-secret", data_key="test-data-key", testing=True,
                             redis_url="", smtp_host="", **extra)


@pytest.fixture(scope="session")
def kernel(database_url, instance_path):
    from core.bootstrap import initialise
    from core.kernel import Kernel

    k = Kernel(make_settings(database_url, instance_path))
    initialise(k, admin_password=ADMIN_PASSWORD, admin_password_hash=cached_hash(ADMIN_PASSWORD))
    yield k
    k.dispose()


@pytest.fixture(scope="session")
def app(kernel):
    from core.app import create_app

    application = create_app(kernel=kernel)
    application.test_client_class = ApiCsrfClient
    return application


def reset_database(kernel) -> None:
    """Empty every table and re-run the idempotent initialisation."""
    from core.bootstrap import initialise
    from core.db.base import metadata

    engine = kernel.engine
    existing = set(inspect(engine).get_table_names())
    tables = [t for t in reversed(metadata.sorted_tables) if t.name in existing and t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            if names:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for t in tables:
                conn.execute(t.delete())
    initialise(kernel, admin_password=ADMIN_PASSWORD, admin_password_hash=cached_hash(ADMIN_PASSWORD))


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "kernel" in request.fixturenames:
        kernel = request.getfixturevalue("kernel")
        kernel.session.remove()
        reset_database(kernel)


@pytest.fixture
def db(kernel):
    """A session acting as the system, for arranging and inspecting test data."""
    with kernel.system_session() as session:
        yield session


@pytest.fixture
def make_user(kernel):
    """``make_user("li", permissions=["crm.customer.read"], departments=["AV"])`` -> User."""

    def make(login, permissions=(), roles=(), departments=(), superuser=False, portal=False,
             password="secret-pass", locale="en"):
        with kernel.system_session() as s:
            role_objs = list(s.execute(select(Role).where(Role.name.in_(list(roles)))).scalars())
            if permissions:
                role = Role(name=f"test_{login}", title=f"test {login}",
                            permissions=[RolePermission(permission=p) for p in permissions])
                role_objs.append(role)
            depts = []
            for code in departments:
                dept = s.scalar(select(Department).where(Department.code == code))
                depts.append(dept or Department(code=code, name=code))
            user = User(login=login, name=login.title(), password_hash=cached_hash(password),
                        is_superuser=superuser, is_portal=portal, roles=role_objs,
                        departments=depts, locale=locale)
            s.add(user)
            s.commit()
            return user

    return make


class ApiCsrfClient(FlaskClient):
    """A browser-like client: its API writes carry the session's CSRF header, as our pages' scripts do.

    Form posts are left alone, so tests of form CSRF still see refusals.
    """

    api_csrf: str | None = None

    def open(self, *args, **kwargs):
        path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
        method = kwargs.get("method", "GET").upper()
        if self.api_csrf and path.startswith("/api/") and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            if "Authorization" not in headers:
                headers.setdefault("X-CSRFToken", self.api_csrf)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def login_client(client, user_id: int, locale: str = "en", api_csrf: bool = True):
    """Log ``client`` in as ``user_id``; with ``api_csrf`` its API writes send the CSRF header."""
    raw = secrets.token_hex(20)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
        sess["locale"] = locale
        sess["csrf_token"] = raw
    if api_csrf and isinstance(client, ApiCsrfClient):
        app = client.application
        client.api_csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client


@pytest.fixture
def client_as(app, make_user):
    """``client_as("administrator")`` or ``client_as(user)``: a test client logged in."""

    def make(who, locale="en", api_csrf=True, **kwargs):
        if isinstance(who, str):
            user = make_user(f"user_{who}_{uuid.uuid4().hex[:6]}", roles=(who,), **kwargs)
        else:
            user = who
        return login_client(app.test_client(), user.id, locale, api_csrf)

    return make


@pytest.fixture
def admin_client(app, kernel):
    with kernel.system_session() as s:
        admin_id = s.scalar(select(User.id).where(User.login == "admin"))
    return login_client(app.test_client(), admin_id)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


@contextmanager
def plugin_state(kernel, name: str, enabled: bool):
    """Enable a plugin (with what it needs), or disable it (after what needs it)."""
    from core.registry import switching

    with kernel.system_session() as s:
        if enabled:
            switching.enable(kernel, s, name, with_dependencies=True)
        else:
            for dependant in reversed(switching.order_of(kernel, switching.enabled_dependants(kernel, s, name))):
                switching.disable(kernel, s, dependant)
            switching.disable(kernel, s, name)
        s.commit()
    yield


@pytest.fixture
def plugin_enabled(kernel):
    """``plugin_enabled("crm")`` enables a plugin (and its dependencies) for the test."""

    def enable(name):
        with plugin_state(kernel, name, True):
            pass

    return enable
