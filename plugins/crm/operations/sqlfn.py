"""The few SQL expressions that read differently on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, cast, func, literal


def days_since(session, column, now: datetime):
    """Whole days from ``column`` (a UTC instant) to ``now``, as an integer expression."""
    if session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", literal(now) - column)
        return cast(func.floor(seconds / 86400), Integer)
    naive = now.replace(tzinfo=None).isoformat(sep=" ")
    return cast(func.julianday(naive) - func.julianday(column), Integer)


def name_order(session, column):
    """``lower(column)``, in byte order on PostgreSQL so the prefix index serves LIKE and ORDER BY."""
    lowered = func.lower(column)
    return lowered.collate("C") if session.get_bind().dialect.name == "postgresql" else lowered
