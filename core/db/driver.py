"""Core statements run straight on the driver's cursor: for the few that every request runs.

``Connection.execute`` builds an execution context, a cursor result and its
metadata around each statement: several times the cost of the driver call
for a query of a few small rows or a one-row insert. A ``DriverStatement``
is compiled once per dialect; each run hands the driver the SQL and the
parameters, processed by the same bind and result processors SQLAlchemy
would use, so ``rows`` gives what ``Connection.execute(...).all()`` gives
and ``insert`` writes what ``Connection.execute(insert, rows)`` writes.
No SQLAlchemy execution events fire for it, and echo does not log it: keep
it for plain statements on the hot path.

On PostgreSQL, a query that is the first statement of its transaction is
sent together with the BEGIN, in one round trip (``core.db.batched``).
Writes left for later on the connection (``core.db.deferred``) are made
before the statement runs, as they are before any other.
"""
from __future__ import annotations

import operator

from core.db import deferred


class DriverStatement:
    def __init__(self, statement, column_keys: list[str] | None = None, as_stored: bool = False):
        """``column_keys``: for an INSERT, the columns each row gives (the others take their defaults).

        ``as_stored``: ``rows`` gives the values as the driver hands them over, without
        SQLAlchemy's result processing, for a query whose rows are only compared with
        each other (``processed`` turns one row into what ``Connection.execute`` gives).
        """
        self.statement = statement
        self.column_keys = column_keys
        self.as_stored = as_stored
        self._plans: dict = {}

    def rows(self, connection, params: dict) -> list[tuple]:
        """The rows of the query with ``params``, on ``connection`` (a SQLAlchemy ``Connection``)."""
        deferred.write_pending(connection)
        return self._plan(connection).rows(connection, params)

    def execute_many(self, connection, rows: list[dict]) -> None:
        """Run the statement (an INSERT) once per dict of ``rows``, on ``connection``."""
        if rows:
            deferred.write_pending(connection)
            self._plan(connection).execute_many(connection, rows)

    def processed(self, connection, row: tuple) -> tuple:
        """``row`` of an ``as_stored`` query as ``Connection.execute`` would give it."""
        return self._plan(connection).processed(row)

    def sql_and_args(self, dialect, rows: list[dict]) -> list[tuple[str, object]]:
        """``(sql, driver parameters)`` per dict of ``rows``: what ``execute_many`` would send."""
        plan = self._plan_for(dialect)
        return [(plan.sql, plan._args(row)) for row in rows]

    def _plan(self, connection) -> _Plan:
        return self._plan_for(connection.dialect)

    def _plan_for(self, dialect) -> _Plan:
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan(self.statement, dialect, self.column_keys, self.as_stored)
        return plan


class _Plan:
    """The statement compiled for one dialect, with what its parameters and columns need."""

    def __init__(self, statement, dialect, column_keys, as_stored=False):
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a DriverStatement takes no IN-list (expanding) parameters")
        self.sql = compiled.string
        required = {bind.key: None for bind in compiled.binds.values()
                    if bind.required or bind.key in (column_keys or ())}
        #: every parameter by its name in the SQL, literals filled in, the caller's still None
        self.values = compiled.construct_params(required, _check=False)
        #: the caller's parameter keys -> the names they go by in the SQL
        self.names = {bind.key: name for name, bind in compiled.binds.items() if bind.key in required}
        self.positions = tuple(compiled.positiontup) if compiled.positional else None
        self.bind_processors = dict(compiled._bind_processors)
        #: the literals, processed once: they are the same on every run
        self.fixed = {name: self._process(name, value) for name, value in self.values.items()
                      if name not in self.names.values()}
        #: the caller's keys -> (their name in the SQL, their bind processor or None)
        self.callers = {key: (name, self.bind_processors.get(name)) for key, name in self.names.items()}
        self.count = len(self.fixed) + len(self.callers)
        #: positional dialects: per position, (caller's key or None, its bind processor, literal value)
        self.slots = None if self.positions is None else tuple(
            (key, process, None) if key is not None else (None, None, self.fixed[name])
            for name in self.positions
            for key, process in [next(((k, p) for k, (n, p) in self.callers.items() if n == name), (None, None))])
        #: the two usual shapes, bound without a pass over the slots: nothing from the caller (all
        #: literals), or everything from the caller (an INSERT's row): its values taken in C
        self.all_fixed = self.all_caller = None
        if self.slots is not None and all(key is None for key, _p, _f in self.slots):
            self.all_fixed = tuple(fixed for _k, _p, fixed in self.slots)
        elif self.slots is not None and all(key is not None for key, _p, _f in self.slots):
            self.all_caller = (operator.itemgetter(*[key for key, _p, _f in self.slots]),
                               tuple((i, p) for i, (_k, p, _f) in enumerate(self.slots) if p is not None),
                               len(self.slots) == 1)
        self._compiled, self._dialect = compiled, dialect
        self._result_processors = None if as_stored else self._make_result_processors()
        self.as_stored = as_stored
        #: ``core.db.batched`` on PostgreSQL through psycopg, else None
        self.batched = _batched() if dialect.driver == "psycopg" else None

    def _make_result_processors(self) -> list:
        return [column[3]._cached_result_processor(self._dialect, None) for column in self._compiled._result_columns]

    @property
    def result_processors(self) -> list:
        """Made when first needed: an ``as_stored`` query may select types whose processor needs to
        know the column's database type (psycopg's numeric), which only its rows tell."""
        if self._result_processors is None:
            self._result_processors = self._make_result_processors()
        return self._result_processors

    def _process(self, name: str, value):
        process = self.bind_processors.get(name)
        return value if process is None else process(value)

    def _args(self, params: dict):
        slots = self.slots
        if slots is not None:  # one pass in SQL order, for a driver that takes a tuple
            if not self.callers.keys() >= params.keys():
                raise KeyError(f"not parameters of this statement: {sorted(params.keys() - self.callers.keys())}")
            if self.all_fixed is not None:
                return self.all_fixed
            if self.all_caller is not None and len(params) == len(slots):
                take, processing, single = self.all_caller
                values = [take(params)] if single else list(take(params))
                for i, process in processing:
                    values[i] = process(values[i])
                return tuple(values)
            get = params.get
            return tuple([fixed if key is None else (get(key) if process is None else process(get(key)))
                          for key, process, fixed in slots])
        values = dict(self.fixed)
        callers = self.callers
        for key, value in params.items():
            name, process = callers[key]
            values[name] = value if process is None else process(value)
        if len(values) < self.count:
            for name in self.names.values():
                if name not in values:  # a caller's parameter left out: None, as SQLAlchemy binds it
                    values[name] = self._process(name, None)
        return values  # a driver that takes them by name (positional ones took the slots above)

    def rows(self, connection, params: dict) -> list[tuple]:
        driver = connection.connection.driver_connection
        if self.batched is not None and self.batched.plain(driver) and self.batched.idle(driver):
            found = self.batched.begin_and_fetch(driver, self.sql, self._args(params))
        else:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(self.sql, self._args(params))
                found = cursor.fetchall()
            finally:
                cursor.close()
        if self.as_stored:
            return found
        return [self.processed(row) for row in found]

    def processed(self, row) -> tuple:
        return tuple([value if process is None else process(value)
                      for process, value in zip(self.result_processors, row)])

    def execute_many(self, connection, rows: list[dict]) -> None:
        cursor = connection.connection.cursor()
        try:
            if len(rows) == 1:
                cursor.execute(self.sql, self._args(rows[0]))
            else:
                cursor.executemany(self.sql, [self._args(row) for row in rows])
        finally:
            cursor.close()


def _batched():
    from core.db import batched  # psycopg is installed only where PostgreSQL is used

    return batched
