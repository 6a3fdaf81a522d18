"""Customer companies, their derived figures and their structured preferences.

The figures a customer accumulates (meetings, spend, RFM) live in
``crm_customer_stats``, one row per customer and not versioned: a payment
arriving from finance must not make an account manager's open edit form
stale.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import AuditedMixin, Base, Money, UTCDateTime
from core.security.models import User
from plugins.crm.operations.validation import name_key, normalise_credit_code


class Customer(AuditedMixin, Base):
    """A client company. PostgreSQL also has an index on ``lower(name) text_pattern_ops``
    (made by the migration) for prefix search."""

    __tablename__ = "crm_customer"

    name: Mapped[str] = mapped_column(String(200), index=True)
    #: The name without legal-form suffixes and punctuation, for duplicate detection.
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    #: 统一社会信用代码 (GB 32100-2015), checked on assignment.
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    industry: Mapped[str | None] = mapped_column(String(30))
    size: Mapped[str | None] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(30))
    city: Mapped[str | None] = mapped_column(String(30), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20), default="normal")
    account_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    account_manager: Mapped[User | None] = relationship(foreign_keys=[account_manager_id])
    notes: Mapped[str | None] = mapped_column(Text)

    stats: Mapped[CustomerStats] = relationship(
        back_populates="customer", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    contacts: Mapped[list[Contact]] = relationship(  # noqa: F821
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Contact.id")
    preferences: Mapped[list[Preference]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Preference.kind")
    #: Every tag the customer carries, by hand or by rule (read-only).
    tags: Mapped[list[Tag]] = relationship(  # noqa: F821
        secondary="crm_customer_tag", viewonly=True, order_by="Tag.name")
    #: The tags set by hand; rules keep theirs in the same table with ``rule_id`` set.
    manual_tags: Mapped[list[Tag]] = relationship(  # noqa: F821
        secondary="crm_customer_tag",
        secondaryjoin="and_(Tag.id == CustomerTag.tag_id, CustomerTag.rule_id.is_(None))",
        order_by="Tag.name")

    @validates("name")
    def _keep_name_key(self, _key, value):
        value = (value or "").strip()
        self.name_key = name_key(value)
        return value

    @validates("credit_code")
    def _check_credit_code(self, _key, value):
        return normalise_credit_code(value)

    def __str__(self) -> str:
        return self.name


class CustomerStats(Base):
    """What the customer's history adds up to; written by event handlers and the RFM job."""

    __tablename__ = "crm_customer_stats"
    __table_args__ = (Index("ix_crm_customer_stats_segment", "segment"),)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("crm_customer.id", ondelete="CASCADE"), primary_key=True)
    customer: Mapped[Customer] = relationship(back_populates="stats")
    first_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    total_spend: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), nullable=False)
    last_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The later of the last meeting and the last payment: what recency is measured from.
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rfm_recency_days: Mapped[int | None] = mapped_column(Integer)
    rfm_frequency: Mapped[int | None] = mapped_column(Integer)
    rfm_monetary: Mapped[Decimal | None] = mapped_column(Money)
    #: Scores 1 (lowest fifth) to 5 (highest fifth) within all scored customers.
    rfm_r: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_f: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_m: Mapped[int | None] = mapped_column(SmallInteger)
    segment: Mapped[str | None] = mapped_column(String(30))
    segment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Preference(AuditedMixin, Base):
    """One structured preference of a customer per kind (dietary, hotel standard, ...)."""

    __tablename__ = "crm_preference"
    __table_args__ = (UniqueConstraint("customer_id", "kind"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship(back_populates="preferences")
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(500))

    def __str__(self) -> str:
        return self.value
