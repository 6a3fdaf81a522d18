"""Number sequences (``HW-2026-0001``) that never hand out a number twice.

CONTRACT (implementation pending)::

    next_number(session, "project.code", "HW-{year}-{n:04d}")            # may leave gaps on rollback
    next_number(session, "finance.voucher", "JZ-{year}{month:02d}-{n:05d}", period="month", gapless=True)

Non-gapless numbers are taken in a transaction of their own; gapless numbers
are taken in the caller's transaction under a row lock, so a rollback gives
the number back.
"""
from __future__ import annotations


def next_number(session, code: str, pattern: str, period: str = "year", gapless: bool = False) -> str:
    raise NotImplementedError
