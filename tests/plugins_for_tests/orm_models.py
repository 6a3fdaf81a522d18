"""Tables for the ORM base's tests, shaped like a plugin's (prefix ``testorm_``).

They hang off the kernel's Base like any plugin table; ``create_tables``
makes them in the test database (no migration: they exist only for tests).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import AuditedMixin, Base, EncryptedString, IdMixin, Money, UTCDateTime
from core.db.types import BlindIndex


class SampleContact(AuditedMixin, Base):
    __tablename__ = "testorm_contact"
    __audit_masked__ = ("pin",)

    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(EncryptedString)
    phone_index: Mapped[str | None] = mapped_column(BlindIndex(), index=True)
    pin: Mapped[str | None] = mapped_column(String(10))
    fee: Mapped[Decimal | None] = mapped_column(Money)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Charge(IdMixin, Base):
    """Not audited: a plain table with the constraints whose names we check."""

    __tablename__ = "testorm_charge"
    __table_args__ = (
        UniqueConstraint("contact_id", "label"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    contact_id: Mapped[int] = mapped_column(ForeignKey("testorm_contact.id"))
    label: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer, default=1)


def create_tables(engine) -> None:
    for model in (SampleContact, Charge):
        model.__table__.create(engine, checkfirst=True)
