"""Money, instants and personal data keep their promises in the database itself."""
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, func, select, text, type_coerce
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError

from core.db import Money, blind_index
from core.db.types import UTCDateTime
from tests.plugins_for_tests.orm_models import Charge, SampleContact, create_tables

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def contact(kernel, db):
    create_tables(kernel.engine)
    person = SampleContact(name="王芳")
    db.add(person)
    db.commit()
    return person


# -- Money ---------------------------------------------------------------------------

def test_money_refuses_float(db, contact):
    contact.fee = 0.1 + 0.2
    with pytest.raises(StatementError, match="money refuses float"):
        db.flush()


def test_money_keeps_two_places_rounding_half_up(db, contact):
    contact.fee = Decimal("1234.565")
    db.commit()
    assert db.scalar(select(SampleContact.fee)) == Decimal("1234.57")
    contact.fee = "88"
    db.commit()
    assert str(db.scalar(select(SampleContact.fee))) == "88.00"


def test_money_sums_exactly_in_the_database(db, contact):
    db.add_all([Charge(contact_id=contact.id, label=f"tea {i}", amount=Decimal("0.10")) for i in range(30)])
    db.add(Charge(contact_id=contact.id, label="venue", amount=Decimal("9876543210123.45")))
    db.commit()
    total = db.scalar(select(func.sum(Charge.amount)))
    assert isinstance(total, Decimal)
    assert total == Decimal("9876543210126.45")


def test_a_rate_is_not_rounded_to_cents_before_multiplying(db, contact):
    db.add(Charge(contact_id=contact.id, label="catering", amount=Decimal("1000.00"), quantity=3))
    db.commit()
    vat = db.scalar(select(type_coerce(Charge.amount * Decimal("0.065"), Money)))
    assert vat == Decimal("65.00")
    assert db.scalar(select(func.sum(Charge.amount * Charge.quantity))) == Decimal("3000.00")


# -- UTCDateTime ---------------------------------------------------------------------

def test_naive_datetimes_are_refused(db, contact):
    contact.met_at = datetime(2026, 3, 1, 9, 30)
    with pytest.raises(StatementError, match="naive datetime 2026-03-01T09:30:00 refused"):
        db.flush()


def test_a_date_is_not_an_instant(db, contact):
    contact.met_at = date(2026, 3, 1)
    with pytest.raises(StatementError, match="must be a datetime"):
        db.flush()


def test_aware_datetimes_round_trip_as_the_same_instant_in_utc(kernel, db, contact):
    nine_thirty_in_shanghai = datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI)
    contact.met_at = nine_thirty_in_shanghai
    db.commit()
    db.expire_all()
    stored = db.get(SampleContact, contact.id).met_at
    assert stored == nine_thirty_in_shanghai
    assert stored.utcoffset() == timedelta(0)
    assert (stored.hour, stored.minute) == (1, 30)
    raw = db.execute(text("SELECT met_at FROM testorm_contact")).scalar()
    if kernel.engine.dialect.name == "sqlite":
        assert raw.startswith("2026-03-01 01:30:00")


@pytest.mark.parametrize("instant", [
    datetime(2026, 3, 1, 9, 30, tzinfo=SHANGHAI),
    datetime(2026, 11, 27, 13, 24, 58, 136984, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
])
def test_sqlite_stores_an_instant_as_the_text_sqlalchemy_writes(instant):
    # Rows written before and after the fast path share one format, so text comparisons hold.
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)(instant)
    sqlalchemys = DateTime().dialect_impl(dialect).bind_processor(dialect)(
        instant.astimezone(UTC).replace(tzinfo=None))
    assert ours == sqlalchemys


def test_instants_compare_across_time_zones(db, contact):
    contact.met_at = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    db.commit()
    new_york = timezone(timedelta(hours=-5))
    just_before = datetime(2026, 2, 28, 20, 29, tzinfo=new_york)
    assert db.scalar(select(func.count()).select_from(SampleContact).where(SampleContact.met_at > just_before)) == 1
    assert db.scalar(select(func.count()).select_from(SampleContact)
                     .where(SampleContact.met_at > just_before + timedelta(minutes=2))) == 0


# -- EncryptedString and blind index ------------------------------------------------

def test_personal_data_is_stored_encrypted_and_read_back_in_clear(db, contact):
    contact.phone = "13800138000"
    contact.phone_index = blind_index("13800138000")
    db.add(SampleContact(name="李娜", phone="13800138000"))
    db.commit()
    raw = db.execute(text("SELECT phone FROM testorm_contact ORDER BY id")).scalars().all()
    assert all(value.startswith("v1:") and "13800138000" not in value for value in raw)
    assert raw[0] != raw[1]  # a fresh nonce each time: equal phones do not look equal
    db.expire_all()
    assert db.get(SampleContact, contact.id).phone == "13800138000"


def test_blind_index_finds_an_exact_value_and_nothing_else(db, contact):
    contact.phone, contact.phone_index = "13800138000", blind_index("13800138000")
    db.add(SampleContact(name="刘洋", phone="13911112222", phone_index=blind_index("13911112222")))
    db.commit()
    found = db.scalars(select(SampleContact.name).where(SampleContact.phone_index == blind_index(" 13800138000 "))).all()
    assert found == ["王芳"]
    assert db.scalars(select(SampleContact).where(SampleContact.phone_index == blind_index("1380013800"))).all() == []
    assert blind_index("13800138000") != "13800138000" and len(blind_index("x")) == 64
