"""Tags, the rules that set them, RFM runs, segment moves, playbooks, duplicate flags."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import AuditedMixin, Base, UTCDateTime
from core.db.types import utcnow


class Tag(AuditedMixin, Base):
    __tablename__ = "crm_tag"

    name: Mapped[str] = mapped_column(String(60), unique=True)
    color: Mapped[str] = mapped_column(String(20), default="secondary")
    description: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class CustomerTag(Base):
    """A tag on a customer, set by hand (``rule_id`` empty) or by a tag rule."""

    __tablename__ = "crm_customer_tag"
    __table_args__ = (
        UniqueConstraint("customer_id", "tag_id", "rule_id"),
        Index("ix_crm_customer_tag_rule", "rule_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("crm_tag.id", ondelete="CASCADE"), index=True)
    tag: Mapped[Tag] = relationship(overlaps="manual_tags,tags")
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("crm_tag_rule.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TagRule(AuditedMixin, Base):
    """"Customers matching these conditions carry this tag", kept as data."""

    __tablename__ = "crm_tag_rule"

    name: Mapped[str] = mapped_column(String(100))
    tag_id: Mapped[int] = mapped_column(ForeignKey("crm_tag.id", ondelete="CASCADE"))
    tag: Mapped[Tag] = relationship()
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: ``all``: every condition must hold; ``any``: one is enough.
    match: Mapped[str] = mapped_column(String(3), default="all")
    conditions: Mapped[list[TagCondition]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="TagCondition.id")
    last_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_matched: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        return self.name


class TagCondition(Base):
    """``field operator value``, e.g. ``spend (12 months) >= 500000``."""

    __tablename__ = "crm_tag_condition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("crm_tag_rule.id", ondelete="CASCADE"), index=True)
    rule: Mapped[TagRule] = relationship(back_populates="conditions")
    field: Mapped[str] = mapped_column(String(30))
    operator: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(200))
    #: For spend and meetings: look back this many months (empty: all time).
    months: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        window = f" ({self.months})" if self.months else ""
        return f"{self.field}{window} {self.operator} {self.value}"


class RfmRun(Base):
    """One recomputation of the RFM segments, with the averages that split high from low."""

    __tablename__ = "crm_rfm_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    window_months: Mapped[int] = mapped_column(Integer)
    scored: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    avg_recency_days: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    avg_frequency: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    avg_monetary: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))


class SegmentChange(Base):
    """A customer moved from one segment to another in an RFM run."""

    __tablename__ = "crm_segment_change"
    __table_args__ = (Index("ix_crm_segment_change_customer", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crm_rfm_run.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    from_segment: Mapped[str | None] = mapped_column(String(30))
    to_segment: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Playbook(AuditedMixin, Base):
    """What to do with the customers of one segment."""

    __tablename__ = "crm_playbook"

    segment: Mapped[str] = mapped_column(String(30), unique=True)
    strategy: Mapped[str] = mapped_column(Text, default="")
    #: The follow-up task given to the account manager, e.g. "回访并邀请参加年度客户答谢会".
    action: Mapped[str | None] = mapped_column(String(300))
    due_days: Mapped[int] = mapped_column(Integer, default=7)
    #: Give the task automatically to customers who move into the segment.
    on_entry: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    def __str__(self) -> str:
        return self.segment


class DuplicateFlag(Base):
    """A possible duplicate noticed when a customer or contact was created."""

    __tablename__ = "crm_duplicate_flag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The customer the flag is about (for a contact: its company).
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship(foreign_keys=[customer_id])  # noqa: F821
    other_customer_id: Mapped[int | None] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    other_customer: Mapped[Customer | None] = relationship(foreign_keys=[other_customer_id])  # noqa: F821
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id", ondelete="CASCADE"))
    other_contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id", ondelete="CASCADE"))
    #: ``credit_code``, ``name``, ``mobile``, ``email``.
    reason: Mapped[str] = mapped_column(String(20))
    #: Name similarity in percent (100 for identical identifiers).
    score: Mapped[int] = mapped_column(Integer, default=100)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
