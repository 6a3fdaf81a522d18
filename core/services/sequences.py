"""Number sequences (``HW-2026-0001``) that never hand out a number twice.

::

    next_number(session, "project.code", "HW-{year}-{n:04d}")                  # may leave gaps
    next_number(session, "finance.voucher", "JZ-{year}{month:02d}-{n:05d}",
                period="month", gapless=True)                                  # no gaps

A sequence restarts at 1 each period (``year``, ``month``, or ``none`` for
never), counted in the company's time zone. The counter row is moved with
one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: its first use
in a period inserts the row without a race, and every later use increments it
under the row's lock, so two transactions can never read the same value.

- **Not gapless** (the default): on PostgreSQL the number is taken in a short
  transaction of its own and committed at once, so concurrent callers wait
  microseconds on the row, not for each other's whole transaction; a caller
  that rolls back leaves a gap. That transaction is the one statement, run
  in autocommit (one round trip), and it commits without waiting for its
  write-ahead log to reach the disk: the statement sets
  ``synchronous_commit`` off for itself. A caller's transaction otherwise
  waited for two disk flushes instead of one (milliseconds each on a busy
  disk). No number is ever used twice: the log is written in order, so the
  caller's own commit, which does wait for the disk, makes the counter's
  earlier commit durable with it; only a number that nothing durable uses
  yet can be lost in a crash of the server, and be handed out again after
  it. On SQLite it is taken in the caller's transaction: writers are
  serialised there anyway, and a second connection would wait on the
  caller's own lock.
- **Gapless**: always in the caller's transaction; the row stays locked until
  the caller commits (concurrent callers of the same sequence queue up), and
  a rollback gives the number back. Use it only where the law wants it
  (accounting vouchers, invoices).

A sequence code must be used either gapless or not, never both.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from core.db.types import utcnow
from core.services.models import SequenceCounter
from core.services.upsert import insert_for

PERIODS = ("year", "month", "none")


def period_key(period: str, local: datetime) -> str:
    """The counter a period uses: ``2026``, ``2026-05`` or ``""``."""
    if period == "year":
        return f"{local.year:04d}"
    if period == "month":
        return f"{local.year:04d}-{local.month:02d}"
    if period == "none":
        return ""
    raise ValueError(f"sequence period must be one of {PERIODS}, not {period!r}")


def next_number(session, code: str, pattern: str, period: str = "year", gapless: bool = False,
                *, now: datetime | None = None) -> str:
    """The next number of sequence ``code`` in the current period, formatted with ``pattern``.

    ``pattern`` is a ``str.format`` template over ``n`` (the number), ``year``,
    ``month`` and ``day`` (of ``now`` in the company's time zone), e.g.
    ``"HW-{year}-{n:04d}"``. ``now`` (aware) stands for the current time in tests
    and back-dated documents.
    """
    kernel = session.info["kernel"]
    local = (now or utcnow()).astimezone(ZoneInfo(kernel.settings.timezone))
    key = period_key(period, local)
    n = take(session, code, key, gapless)
    return pattern.format(n=n, year=local.year, month=local.month, day=local.day)


def take(session, code: str, period: str, gapless: bool = False) -> int:
    """Take the next integer of counter (``code``, ``period``); see the module docstring."""
    bind = session.get_bind()
    values = {"code": code, "period": period}
    if not gapless and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return conn.execute(_increment_quickly(), values).scalar_one()
    return session.execute(_increment(bind.dialect.name), values).scalar_one()


@lru_cache(maxsize=4)
def _increment(dialect: str):
    """The counter's upsert, in the caller's transaction (built once per dialect)."""
    insert = insert_for(dialect)
    stmt = insert(SequenceCounter).values(code=bindparam("code"), period=bindparam("period"), next_value=2)
    return stmt.on_conflict_do_update(
        index_elements=["code", "period"],
        set_={"next_value": SequenceCounter.next_value + 1},
    ).returning(SequenceCounter.next_value - 1)


@lru_cache(maxsize=1)
def _increment_quickly():
    """The counter's upsert as a transaction of its own on PostgreSQL, committing without waiting for
    the disk: ``set_config(..., true)`` sets ``synchronous_commit`` for the statement's own transaction."""
    quick = select(func.set_config("synchronous_commit", "off", True).label("setting")).cte("quick")
    source = select(bindparam("code", type_=String), bindparam("period", type_=String), literal(2)).select_from(quick)
    stmt = postgresql.insert(SequenceCounter).from_select(["code", "period", "next_value"], source)
    return stmt.on_conflict_do_update(
        index_elements=["code", "period"],
        set_={"next_value": SequenceCounter.next_value + 1},
    ).returning(SequenceCounter.next_value - 1)


def peek(session, code: str, period: str) -> int:
    """The number the next call would hand out (for display; never use it to number anything)."""
    row = session.get(SequenceCounter, (code, period))
    return row.next_value if row else 1
