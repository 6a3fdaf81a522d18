"""Engines and sessions.

One ``Session`` class per kernel carries the listeners that make the rules
hold whatever code runs: record rules, created/updated-by stamps, the audit
trail and the outbox's delivery after commit. On SQLite every transaction is
``BEGIN IMMEDIATE``: writes are serialised by the database, which is what
keeps check-then-write operations honest in the embedded default.
"""
from __future__ import annotations

import time
import weakref

from flask_babel import gettext as _
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    NoSuchModuleError,
)
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from core.config import ConfigError
from core.db import deferred


class HuiwuSession(Session):
    """The kernel's session; listeners are attached to per-kernel subclasses."""


class ScopedSession(scoped_session):
    """Flask-Admin wants ``session.session``; give it the registry itself."""

    @property
    def session(self):
        return self


def make_engine(url: str, **kwargs) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError(_(
            "HUIWU_DATABASE_URL is not a database URL; use e.g. %(sqlite)s or %(postgres)s",
            sqlite="sqlite:////srv/huiwu/huiwu.sqlite3",
            postgres="postgresql+psycopg://user:password@127.0.0.1:5432/huiwu")) from None
    options = dict(kwargs)
    if parsed.get_backend_name() == "sqlite":
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        if parsed.database in (None, "", ":memory:"):
            raise ConfigError(_("HUIWU_DATABASE_URL names an in-memory SQLite database, which every "
                                "process would see empty; name a file"))
    else:
        # Pinging on every checkout costs a round trip per request; ping only a connection
        # that sat idle (below), and renew any connection after half an hour.
        options.setdefault("pool_recycle", 1800)
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
        raise ConfigError(_(
            "HUIWU_DATABASE_URL names a database driver that is not installed (%(error)s); use "
            "sqlite:/// or postgresql+psycopg:// (install huiwu[postgres] for the latter)", error=exc)) from None
    if parsed.get_backend_name() == "sqlite":
        _serialise_sqlite_writes(engine)
    else:
        _speak_utc(engine)
        if not options.get("pool_pre_ping"):
            _ping_when_idle(engine)
    if engine.dialect.driver == "psycopg":
        deferred.install(engine)  # audit rows go with the COMMIT, in its round trip
        _reset_to_server_default(engine)
    return engine


def _speak_utc(engine: Engine) -> None:
    """Have each PostgreSQL connection hand instants over in UTC, the zone they are stored and used in.

    An instant is the same whatever the session's zone, but the driver tags
    what it reads with that zone: with a server zone such as ``Etc/UTC`` or
    ``Asia/Shanghai`` every value read needs a zone lookup to be turned into
    UTC (a search reading thousands of rows spent milliseconds on it); with
    ``UTC`` it is already in the form the ``UTCDateTime`` type returns.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True  # a setting of the connection, not of a transaction
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.close()
        finally:
            dbapi_conn.autocommit = autocommit


#: A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 10


def _ping_when_idle(engine: Engine) -> None:
    """Hand out no connection the server dropped while it was idle (restart, idle timeout).

    Connections in steady use are not pinged; a disconnect found on one of
    those fails that statement and makes the pool start afresh.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["huiwu.idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        since = record.info.get("huiwu.idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool discards this connection and tries another.
            raise DisconnectionError(str(exc)) from exc


def _reset_to_server_default(engine: Engine) -> None:
    """After a connection ran with another isolation level (the sequences' AUTOCOMMIT), leave it at
    the server's default as it came, not at that level set explicitly: what SQLAlchemy restores is
    the level it read from the server, so the two mean the same, but only a connection left alone
    starts its transactions with the bare BEGIN that ``core.db.batched`` sends with its first query.
    Without this, every connection a sequence had used lost that round trip for good."""
    reset = engine.dialect.reset_isolation_level

    def reset_isolation_level(dbapi_connection):
        reset(dbapi_connection)
        driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
        driver.isolation_level = None

    engine.dialect.reset_isolation_level = reset_isolation_level


def _serialise_sqlite_writes(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    def do_begin(dbapi_connection):
        # The dialect's own step rather than a "begin" event: any engine event puts every
        # statement of every connection through SQLAlchemy's event dispatch. SQLAlchemy
        # reports an error here as its own.
        dbapi_connection.driver_connection.execute("BEGIN IMMEDIATE")

    engine.dialect.do_begin = do_begin


def check_reachable(engine: Engine) -> None:
    """Connect once, so a wrong URL or a server that is down is told in one line at start-up."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (DBAPIError, ValueError) as exc:
        orig = getattr(exc, "orig", None) or exc
        lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
        reason = lines[0] if lines else type(orig).__name__
        url = engine.url.render_as_string(hide_password=True)
        if engine.dialect.name == "sqlite":
            message = _("Cannot open the database %(url)s (%(reason)s); check HUIWU_DATABASE_URL and "
                        "that its folder exists and may be written to", url=url, reason=reason)
        else:
            message = _("Cannot reach the database %(url)s (%(reason)s); check HUIWU_DATABASE_URL and "
                        "that the database server is running", url=url, reason=reason)
        raise ConfigError(message) from None


def make_session_factory(engine: Engine, kernel) -> tuple[type[HuiwuSession], ScopedSession]:
    session_class = type("KernelSession", (HuiwuSession,), {})
    factory = sessionmaker(bind=engine, class_=session_class, expire_on_commit=False,
                           info={"kernel": kernel})
    return session_class, ScopedSession(factory)


# -- values kept for one transaction ----------------------------------------------

CONNECTION_KEY = "huiwu.connection"


def connection_of(session):
    """``session.connection()``, kept for the transaction: the kernel asks for it several times in
    every request (the principal, the audit rows), and SQLAlchemy works out the bind and checks
    the transaction's state on each call."""
    connection = kept_for_transaction(session, CONNECTION_KEY)
    if connection is not None:
        return connection
    connection = session.connection()
    keep_for_transaction(session, CONNECTION_KEY, connection)
    return connection


def kept_for_transaction(session, key: str, default=None):
    """What ``keep_for_transaction`` put under ``key`` in this transaction, else ``default``."""
    kept = session.info.get(key)
    transaction = session.get_transaction()
    if kept is None or transaction is None or kept[0]() is not transaction:
        return default
    return kept[1]


def keep_for_transaction(session, key: str, value) -> None:
    """Keep ``value`` in ``session.info`` until the session's current transaction ends.

    The transaction is held weakly: it refers to the session, so a strong
    reference from the session's ``info`` would make a cycle that keeps every
    closed session, its connection and their listeners alive until the
    garbage collector runs (and each of its runs scans every live object).
    """
    transaction = session.get_transaction()
    if transaction is not None:
        session.info[key] = (weakref.ref(transaction), value)
