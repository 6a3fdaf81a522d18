"""A Core SELECT run straight on the driver's cursor: for the few queries every request runs.

``Connection.execute`` builds an execution context, a cursor result and its
metadata around each statement: several times the cost of the driver call
for a query of a few small rows. A ``DriverQuery`` is compiled once per
dialect; each run hands the driver the SQL and the parameters, processed
by the same bind and result processors SQLAlchemy would use, so the rows
are the ones ``Connection.execute(...).all()`` gives. No SQLAlchemy
execution events fire for it, and echo does not log it: keep it for plain
reads on the hot path.
"""
from __future__ import annotations


class DriverQuery:
    def __init__(self, statement):
        self.statement = statement
        self._plans: dict = {}

    def rows(self, connection, params: dict) -> list[tuple]:
        """The rows of the statement with ``params`` on ``connection`` (a SQLAlchemy ``Connection``)."""
        dialect = connection.dialect
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan(self.statement, dialect)
        return plan.run(connection, params)


class _Plan:
    """The statement compiled for one dialect, with what its parameters and columns need."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a DriverQuery takes no IN-list (expanding) parameters")
        self.sql = compiled.string
        required = {bind.key: None for bind in compiled.binds.values() if bind.required}
        #: every parameter by its name in the SQL, literals filled in, the caller's still None
        self.values = compiled.construct_params(required)
        #: the caller's parameter keys -> the names they go by in the SQL
        self.names = {bind.key: name for name, bind in compiled.binds.items() if bind.key in required}
        self.positions = tuple(compiled.positiontup) if compiled.positional else None
        self.bind_processors = dict(compiled._bind_processors)
        self.result_processors = [
            column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns]

    def run(self, connection, params: dict) -> list[tuple]:
        values = dict(self.values)
        for key, value in params.items():
            values[self.names[key]] = value
        for name, process in self.bind_processors.items():
            values[name] = process(values[name])
        args = values if self.positions is None else tuple(values[name] for name in self.positions)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, args)
            found = cursor.fetchall()
        finally:
            cursor.close()
        processors = self.result_processors
        if not any(processors):
            return [tuple(row) for row in found]
        return [tuple(value if process is None else process(value) for process, value in zip(processors, row))
                for row in found]
