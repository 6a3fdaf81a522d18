"""Writes that may wait for their transaction's next statement, or its COMMIT.

An audit row is read by nobody before the transaction that wrote it goes on.
On PostgreSQL such rows therefore wait on their connection (``write_later``)
and are written, in this order of need:

- before the transaction's next statement, whichever path runs it (SQLAlchemy
  or ``DriverStatement``), so that every statement sees them; setting,
  releasing or rolling back to a savepoint and preparing a two-phase commit
  are statements too, so the database scopes the rows as it scopes the
  writes around them;
- at the latest with the COMMIT, in the same round trip (``core.db.batched``):
  most requests write their audit rows with no round trip of their own.

A rollback drops them, as the database would have. A commit that cannot
write them fails, and saves nothing. On other databases they are written at
once.
"""
from __future__ import annotations

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
    pending = _take_pending(connection)
    if pending:
        for statement, rows in pending:
            statement.execute_many(connection, rows)


def install(engine) -> None:
    """Make ``engine`` (PostgreSQL through psycopg) keep writes for later.

    Through its dialect's own steps rather than engine events: any engine event
    puts every statement of every connection through SQLAlchemy's event
    dispatch, a cost paid by each request.
    """
    from core.db import batched  # psycopg is installed only where PostgreSQL is used

    setattr(engine, ENGINE_FLAG, True)
    dialect = engine.dialect
    execute, execute_many, execute_bare = dialect.do_execute, dialect.do_executemany, dialect.do_execute_no_params
    commit, rollback = dialect.do_commit, dialect.do_rollback

    # Every statement SQLAlchemy runs (savepoints, their release and rollback, two-phase
    # PREPARE included) passes one of these three first.
    def do_execute(cursor, statement, parameters, context=None):
        if context is not None:
            write_pending(context.root_connection)
        execute(cursor, statement, parameters, context)

    def do_executemany(cursor, statement, parameters, context=None):
        if context is not None:
            write_pending(context.root_connection)
        execute_many(cursor, statement, parameters, context)

    def do_execute_no_params(cursor, statement, context=None):
        if context is not None:
            write_pending(context.root_connection)
        execute_bare(cursor, statement, context)

    def do_rollback(dbapi_connection):
        _take_pending(dbapi_connection)
        rollback(dbapi_connection)

    def do_commit(dbapi_connection):
        pending = _take_pending(dbapi_connection)
        driver = dbapi_connection.driver_connection
        if pending and batched.plain(driver) and batched.in_transaction(driver):
            # The transaction ends here; psycopg's own commit, below, then sends nothing.
            batched.execute_and_commit(driver, [pair for statement, rows in pending
                                                for pair in statement.sql_and_args(dialect, rows)])
        elif pending:
            cursor = dbapi_connection.cursor()
            try:
                for statement, rows in pending:
                    for sql, args in statement.sql_and_args(dialect, rows):
                        cursor.execute(sql, args)
            finally:
                cursor.close()
        commit(dbapi_connection)

    dialect.do_execute, dialect.do_executemany, dialect.do_execute_no_params = (
        do_execute, do_executemany, do_execute_no_params)
    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback


def _take_pending(connection) -> list | None:
    """What waits on ``connection`` (SQLAlchemy's, or the pool's), taken off it."""
    try:
        return connection.info.pop(PENDING_KEY, None)
    except NotImplementedError:  # the bare connection SQLAlchemy lends while it first connects
        return None
