"""Writes that may wait for their transaction's next statement, or its COMMIT.

An audit row is read by nobody before the transaction that wrote it goes on.
On PostgreSQL such rows therefore wait on their connection (``write_later``)
and are written, in this order of need:

- before the transaction's next statement, whichever path runs it (SQLAlchemy
  or ``DriverStatement``), so that every statement sees them;
- before a savepoint is set or released, or a two-phase commit prepared, so
  that the database scopes them as it scopes the writes around them;
- at the latest with the COMMIT, in the same round trip (``core.db.batched``):
  most requests write their audit rows with no round trip of their own.

A rollback drops them, and so does the rollback to a savepoint (they were
made after the newest savepoint or release, or they would be written): the
database would have dropped them just the same. On other databases, and on
a connection that does not qualify for batching, they are written at once.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

PENDING_KEY = "huiwu.deferred_writes"
#: Set on an engine whose connections keep writes for later.
ENGINE_FLAG = "huiwu_deferred_writes"


def write_later(connection, statement, rows: list[dict]) -> None:
    """Write ``rows`` with ``statement`` (a ``DriverStatement`` INSERT) on ``connection`` before
    anything reads them: at once unless the engine defers writes."""
    if not rows:
        return
    if not getattr(connection.engine, ENGINE_FLAG, False):
        statement.execute_many(connection, rows)
        return
    connection.info.setdefault(PENDING_KEY, []).append((statement, rows))


def write_pending(connection) -> None:
    """Write what waits on ``connection`` now."""
    pending = connection.info.pop(PENDING_KEY, None)
    if pending:
        for statement, rows in pending:
            statement.execute_many(connection, rows)


def drop_pending(connection) -> None:
    connection.info.pop(PENDING_KEY, None)


def install(engine) -> None:
    """Make ``engine`` (PostgreSQL through psycopg) keep writes for later."""
    from core.db import batched  # psycopg is installed only where PostgreSQL is used

    setattr(engine, ENGINE_FLAG, True)
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(conn, _cursor, _statement, _parameters, _context, _executemany):
        write_pending(conn)

    @event.listens_for(engine, "savepoint")
    def _before_savepoint(conn, _name):
        write_pending(conn)

    @event.listens_for(engine, "release_savepoint")
    def _before_release(conn, _name, _context):
        write_pending(conn)

    @event.listens_for(engine, "prepare_twophase")
    def _before_prepare(conn, _xid):
        write_pending(conn)

    @event.listens_for(engine, "rollback_savepoint")
    def _on_rollback_savepoint(conn, _name, _context):
        drop_pending(conn)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn):
        drop_pending(conn)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info.pop(PENDING_KEY, None)

    @event.listens_for(engine, "commit")
    def _with_commit(conn):
        pending = conn.info.pop(PENDING_KEY, None)
        if not pending:
            return
        driver = conn.connection.driver_connection
        if not (batched.plain(driver) and batched.in_transaction(driver)):
            for statement, rows in pending:
                statement.execute_many(conn, rows)
            return
        statements = [pair for statement, rows in pending for pair in statement.sql_and_args(conn, rows)]
        try:
            # SQLAlchemy's own COMMIT, which follows, finds the transaction over and sends nothing.
            batched.execute_and_commit(driver, statements)
        except dbapi_error as exc:
            raise DBAPIError.instance(statements[0][0], statements[0][1], exc, dbapi_error,
                                      dialect=engine.dialect) from exc
