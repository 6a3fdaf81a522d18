"""PostgreSQL: statements with nothing to wait for in between, sent in one round trip.

psycopg sends BEGIN on its own before a transaction's first statement, and
COMMIT when asked, each in a round trip of its own; on a busy server a round
trip costs more than a small query. Two steps of nearly every request have
nothing to wait for in between: starting the transaction and reading the
change epoch (``core.db.change_epoch``), and writing the audit rows and
committing. Each pair goes as one query of several statements in the simple protocol: the parameters are
bound as literals by psycopg itself (``Transformer.as_literal``, what psycopg's
``ClientCursor`` binds with; the SQL is split around its parameters once per
statement rather than parsed on every run) and the rows read by psycopg's own
loaders, so values come back as a cursor would give them.

The query that starts a transaction is prepared once per connection (a
server-side ``PREPARE``, then ``EXECUTE`` with the arguments as literals), so
the server does not plan it again on every request, as psycopg's own cursor
would not after a few runs. A prepared statement the server no longer has
(its session reset) is prepared again. That happens more often than a reset:
psycopg sends ``DEALLOCATE ALL`` after any ROLLBACK, ROLLBACK TO SAVEPOINT,
DROP or ALTER it runs while it holds prepared statements of its own, taking
ours with its. This is also why the statements sent with the COMMIT are
literals, not EXECUTEs of prepared ones: a savepoint rolled back in the
middle of the transaction would have taken the statement away, and the
transaction's work with the failed EXECUTE.

Only a plain psycopg connection qualifies (``plain``): no autocommit, no
isolation level, read-only or deferrable setting of its own, not in pipeline
mode. Anything else takes the ordinary path, statement by statement.
"""
from __future__ import annotations

import itertools
import re
import weakref

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


#: The statements prepared on each connection: driver connection -> {sql: (name, parameter names)}
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_names = itertools.count(1)
#: A parameter of SQLAlchemy's psycopg SQL (pyformat), or an escaped percent sign.
_PARAMETER = re.compile(r"%\((\w+)\)s|%%")


def begin_and_fetch(driver, sql: str, params: dict) -> list[tuple]:
    """Start a transaction and run the query ``sql`` (with pyformat ``params``), in one round trip;
    its rows."""
    known = _prepared.get(driver)
    if known is None:
        known = _prepared[driver] = {}
    found = known.get(sql)
    if found is not None:
        try:
            return _rows(driver, _run(driver, [b"BEGIN", _execute(driver, found, params)])[-1])
        except psycopg.Error:
            # Most likely the server's session was reset and forgot the statement: nothing
            # happened in this transaction yet, so end it and prepare afresh.
            known.pop(sql, None)
            if not driver.closed:
                _run(driver, [b"ROLLBACK"])
    name, numbered, order = _numbered(sql)
    found = _Prepared(name, order)
    results = _run(driver, [b"BEGIN", b"PREPARE " + name + b" AS " + numbered.encode(_encoding(driver)),
                            _execute(driver, found, params)])
    known[sql] = found
    return _rows(driver, results[-1])


class _Prepared:
    """A statement prepared on a connection: its name, its parameters' names in order, and the
    last EXECUTE sent (a query of literals alone, the epoch's, sends the same one every time)."""

    __slots__ = ("last", "name", "order")

    def __init__(self, name: bytes, order: tuple[str, ...]):
        self.name, self.order, self.last = name, order, (None, b"")


def _numbered(sql: str) -> tuple[bytes, str, tuple[str, ...]]:
    """A fresh statement name, ``sql`` with ``$1, $2...`` for its parameters, and their names in order."""
    order: list[str] = []

    def number(match) -> str:
        if match.group(1) is None:
            return "%"
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    numbered = _PARAMETER.sub(number, sql)
    return f"huiwu_{next(_names)}".encode(), numbered, tuple(order)


def _kept(driver, name: str, make):
    """What ``make(driver)`` gives, made once and kept on the connection as ``name``."""
    try:
        return getattr(driver, name)
    except AttributeError:
        found = make(driver)
        setattr(driver, name, found)
        return found


def _quoting(driver) -> Transformer:
    """The connection's own ``Transformer`` for binding literals, kept on it: a new one looks every
    dumper and type name up again, which costs more than the quoting (the audit row's seven values
    took several times as long). Adapters registered on the connection later are not seen by it."""
    return _kept(driver, "_huiwu_quoting", Transformer)


def _execute(driver, prepared: _Prepared, params: dict) -> bytes:
    if not prepared.order:
        return b"EXECUTE " + prepared.name
    values = [params[k] for k in prepared.order]
    # (type, value) pairs: 1 == True, yet their literals differ
    key = tuple([(type(v), v) for v in values]) if all(type(v) in _PLAIN for v in values) else None
    last_key, last = prepared.last
    if key is not None and key == last_key:
        return last
    quote = _quoting(driver).as_literal
    sent = b"EXECUTE " + prepared.name + b"(" + b", ".join(
        [b"NULL" if v is None else quote(v) for v in values]) + b")"
    prepared.last = (key, sent)
    return sent


#: Values whose literal depends on nothing but their value (and so may be sent again as it was).
_PLAIN = frozenset({str, int, bool, type(None)})


def _rows(driver, result) -> list[tuple]:
    """The rows of ``result``, read by the connection's own loaders (kept on it, as ``_quoting``
    keeps its dumpers: psycopg's cursor, too, keeps one ``Transformer`` for all its queries)."""
    loader = _kept(driver, "_huiwu_loading", Transformer)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)


def _encoding(driver) -> str:
    """The connection's client encoding, read once (``driver.info`` builds a new object on every
    look); the kernel never changes a connection's encoding, and its quoting keeps it too."""
    return _kept(driver, "_huiwu_encoding", lambda d: d.info.encoding)


def execute_and_commit(driver, statements: list[tuple[str, object]]) -> None:
    """Run each ``(sql, params)`` of ``statements``, then COMMIT, in one round trip."""
    _run(driver, [_literal(driver, sql, params) for sql, params in statements] + [b"COMMIT"])


def _literal(driver, sql: str, params) -> bytes:
    """``sql`` with ``params`` bound as literals, as ``ClientCursor.mogrify`` binds them."""
    if not isinstance(params, dict):
        return ClientCursor(driver).mogrify(sql, params).encode(_encoding(driver))
    parts, names = _template(sql, _encoding(driver))
    quote = _quoting(driver).as_literal
    out = [parts[0]]
    for name, part in zip(names, parts[1:], strict=True):
        value = params[name]
        out.append(b"NULL" if value is None else quote(value))
        out.append(part)
    return b"".join(out)


#: (SQL, encoding) -> its text split around its parameters (encoded), and the parameters' names
_templates: dict[tuple[str, str], tuple[list[bytes], list[str]]] = {}
#: Statements split and remembered; past this many the memory starts afresh.
TEMPLATES_LIMIT = 1000


def _template(sql: str, encoding: str) -> tuple[list[bytes], list[str]]:
    """``sql`` (pyformat: ``%(name)s``, ``%%``) split around its parameters, once per statement."""
    found = _templates.get((sql, encoding))
    if found is not None:
        return found
    parts, names, text, start = [], [], [], 0
    for match in _PARAMETER.finditer(sql):
        text.append(sql[start:match.start()])
        start = match.end()
        if match.group(1) is None:  # %% is a percent sign
            text.append("%")
            continue
        parts.append("".join(text).encode(encoding))
        names.append(match.group(1))
        text = []
    text.append(sql[start:])
    parts.append("".join(text).encode(encoding))
    if len(_templates) >= TEMPLATES_LIMIT:
        _templates.clear()
    found = _templates[(sql, encoding)] = (parts, names)
    return found


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
