"""``INSERT ... ON CONFLICT`` for the dialects Huiwu runs on (PostgreSQL and SQLite).

Both understand the same statement; SQLAlchemy keeps a construct per
dialect, so this picks the one of the session's database.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def insert_for(bind):
    """The dialect-specific ``insert`` for ``bind`` (an engine, connection or session, or a dialect's name)."""
    name = bind if isinstance(bind, str) else (bind.get_bind() if hasattr(bind, "get_bind") else bind).dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"upserts are not written for {name}")
