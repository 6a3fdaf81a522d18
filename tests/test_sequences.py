"""Number sequences: formatted by period, never the same number twice, gapless when asked."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.services.models import SequenceCounter
from core.services.sequences import next_number, peek

MAY_2026 = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)


def test_numbers_are_formatted_with_year_and_month(db):
    assert next_number(db, "project.code", "HW-{year}-{n:04d}", now=MAY_2026) == "HW-2026-0001"
    assert next_number(db, "project.code", "HW-{year}-{n:04d}", now=MAY_2026) == "HW-2026-0002"
    voucher = next_number(db, "finance.voucher", "JZ-{year}{month:02d}-{n:05d}", period="month",
                          gapless=True, now=MAY_2026)
    assert voucher == "JZ-202605-00001"
    db.commit()
    rows = db.execute(select(SequenceCounter.code, SequenceCounter.period, SequenceCounter.next_value)
                      .order_by(SequenceCounter.code)).all()
    assert rows == [("finance.voucher", "2026-05", 2), ("project.code", "2026", 3)]


def test_each_period_restarts_and_none_never_does(db):
    june = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
    assert next_number(db, "t.m", "{n}", period="month", now=MAY_2026) == "1"
    assert next_number(db, "t.m", "{n}", period="month", now=june) == "1"
    assert next_number(db, "t.m", "{n}", period="month", now=MAY_2026) == "2"
    assert next_number(db, "t.all", "{n}", period="none", now=MAY_2026) == "1"
    assert next_number(db, "t.all", "{n}", period="none", now=datetime(2031, 1, 1, tzinfo=UTC)) == "2"
    with pytest.raises(ValueError):
        next_number(db, "t.bad", "{n}", period="week")


def test_the_period_is_the_company_time_zones(db):
    # 2026-12-31 17:00 UTC is already 1 January 2027 in Shanghai
    new_year_eve = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert next_number(db, "project.code", "HW-{year}-{n:04d}", now=new_year_eve) == "HW-2027-0001"


def test_gapless_number_comes_back_after_a_rollback(kernel):
    with kernel.system_session() as s:
        assert next_number(s, "finance.invoice", "FP{n:03d}", gapless=True, now=MAY_2026) == "FP001"
        s.commit()
    with kernel.system_session() as s:
        assert next_number(s, "finance.invoice", "FP{n:03d}", gapless=True, now=MAY_2026) == "FP002"
        s.rollback()  # the invoice was not saved after all
    with kernel.system_session() as s:
        assert next_number(s, "finance.invoice", "FP{n:03d}", gapless=True, now=MAY_2026) == "FP002"
        s.commit()
        assert peek(s, "finance.invoice", "2026") == 3


def test_plain_number_is_not_handed_out_again_after_a_rollback_on_postgresql(kernel):
    with kernel.system_session() as s:
        first = next_number(s, "project.code", "{n}", now=MAY_2026)
        s.rollback()
    with kernel.system_session() as s:
        second = next_number(s, "project.code", "{n}", now=MAY_2026)
        s.commit()
    if kernel.engine.dialect.name == "postgresql":
        # taken and committed in a transaction of its own: the rollback leaves a gap
        assert (first, second) == ("1", "2")
    else:
        # SQLite: taken in the caller's (single-writer) transaction, so the rollback returns it
        assert (first, second) == ("1", "1")
