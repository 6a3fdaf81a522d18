"""One number the database changes whenever a table that every process caches is written.

A change to who may do what (a role, its permissions, a membership, a user
switched off) or to which modules are on must count on the next request, in
every process. Reading all those rows on every request to find out costs a
query over several tables; instead, database triggers (revision core_0002)
give this row a new value in the same transaction as any change to them, and
a process keeps what it read from them together with the value it read
before: while the value is unchanged, so is everything it read. Being made by
the database, it sees every write: through the session, a bulk statement,
raw SQL or another program.

The value is only compared, never ordered. Each change takes a value never
given before, even when it is rolled back (a sequence on PostgreSQL, a
random 64-bit number on SQLite), so a process that saw the value of a change
that was then undone cannot take a later change for it.

Writers of the watched tables wait for one another on this row until they
commit; they are administrators' changes, rare next to the reads.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

#: The one row's id.
ROW_ID = 1


class ChangeEpoch(Base):
    __tablename__ = "core_change_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
