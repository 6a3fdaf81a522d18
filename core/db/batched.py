"""PostgreSQL: statements with nothing to wait for in between, sent in one round trip.

psycopg sends BEGIN on its own before a transaction's first statement, and
COMMIT when asked, each in a round trip of its own; on a busy server a round
trip costs more than a small query. Two steps of nearly every request have
nothing to wait for in between: starting the transaction and reading the
principal's stamp, and writing the audit rows and committing. Each pair goes
as one query of several statements in the simple protocol: the parameters are
bound as literals by psycopg itself (``ClientCursor.mogrify``, the quoting of
psycopg's own client-side binding) and the rows read by psycopg's own loaders,
so values come back as a cursor would give them.

Only a plain psycopg connection qualifies (``plain``): no autocommit, no
isolation level, read-only or deferrable setting of its own, not in pipeline
mode. Anything else takes the ordinary path, statement by statement.
"""
from __future__ import annotations

import psycopg
from psycopg import ClientCursor, errors, generators, pq
from psycopg.adapt import Transformer

_IDLE = pq.TransactionStatus.IDLE
_INTRANS = pq.TransactionStatus.INTRANS
_FATAL = pq.ExecStatus.FATAL_ERROR


def plain(driver) -> bool:
    """True for a psycopg connection whose transactions start with a bare BEGIN."""
    return (isinstance(driver, psycopg.Connection) and not driver.autocommit
            and driver.isolation_level is None and driver.read_only is None and not driver.deferrable
            and driver.pgconn.pipeline_status == pq.PipelineStatus.OFF)


def idle(driver) -> bool:
    """True when ``driver`` (a plain connection) is outside any transaction."""
    return driver.pgconn.transaction_status == _IDLE


def in_transaction(driver) -> bool:
    """True when ``driver`` is in a transaction that has not failed."""
    return driver.pgconn.transaction_status == _INTRANS


def begin_and_fetch(driver, sql: str, params) -> list[tuple]:
    """Start a transaction and run the query ``sql`` with ``params``, in one round trip; its rows."""
    result = _run(driver, [b"BEGIN", _literal(driver, sql, params)])[-1]
    loader = Transformer(driver)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)


def execute_and_commit(driver, statements: list[tuple[str, object]]) -> None:
    """Run each ``(sql, params)`` of ``statements``, then COMMIT, in one round trip."""
    _run(driver, [_literal(driver, sql, params) for sql, params in statements] + [b"COMMIT"])


def _literal(driver, sql: str, params) -> bytes:
    return ClientCursor(driver).mogrify(sql, params).encode(driver.info.encoding)


def _run(driver, statements: list[bytes]) -> list:
    """Send ``statements`` as one query; their results, or the first error raised.

    After an error the server runs none of the statements that follow it, and the
    transaction, if one was started, is left failed, as after any failed statement.
    """
    with driver.lock:
        driver.pgconn.send_query(b";\n".join(statements))
        results = driver.wait(generators.execute(driver.pgconn))
    for result in results:
        if result.status == _FATAL:
            raise errors.error_from_result(result, encoding=driver.info.encoding)
    return results
