"""What happened with a customer: meetings held, money paid, feedback, communication.

Meetings mirror the project plugin's projects (``project_id`` is its id; no
foreign key, since CRM does not depend on projects); spend mirrors finance's
paid invoices (``ref`` makes the event handler idempotent).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import AuditedMixin, Base, Money, UTCDateTime
from core.db.types import utcnow
from core.security.models import User


class Meeting(AuditedMixin, Base):
    """A meeting held (or to be held) for the customer: one row per project."""

    __tablename__ = "crm_meeting"
    __table_args__ = (
        UniqueConstraint("project_id"),
        Index("ix_crm_meeting_customer_start", "customer_id", "start_date"),
    )

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    customer: Mapped[Customer] = relationship()  # noqa: F821
    project_id: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30), default="confirmed")
    city: Mapped[str | None] = mapped_column(String(30))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    attendees: Mapped[int | None] = mapped_column(Integer)
    #: The contract value the project reported; money actually paid is in ``crm_spend``.
    amount: Mapped[Decimal | None] = mapped_column(Money)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


class Spend(Base):
    """Money a customer paid (from ``finance.invoice_paid``, imports or demo data)."""

    __tablename__ = "crm_spend"
    __table_args__ = (Index("ix_crm_spend_customer_paid", "customer_id", "paid_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where it came from, unique: ``invoice:<id>`` for finance's invoices.
    ref: Mapped[str] = mapped_column(String(60), unique=True)
    project_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Feedback(AuditedMixin, Base):
    """A customer's verdict on a meeting: 0-10 "would you recommend us", and comments."""

    __tablename__ = "crm_feedback"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship()  # noqa: F821
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("crm_meeting.id", ondelete="SET NULL"))
    meeting: Mapped[Meeting | None] = relationship()
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id", ondelete="SET NULL"))
    contact: Mapped[Contact | None] = relationship()  # noqa: F821
    score: Mapped[int] = mapped_column(SmallInteger)
    comments: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Communication(AuditedMixin, Base):
    """One entry of a customer's timeline: a call, e-mail, visit, minutes, a service
    record written from a project event, or a follow-up task."""

    __tablename__ = "crm_communication"
    __table_args__ = (
        Index("ix_crm_communication_customer_at", "customer_id", "occurred_at"),
        Index("ix_crm_communication_open_tasks", "owner_id", "done_at"),
    )

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"))
    customer: Mapped[Customer] = relationship()  # noqa: F821
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id", ondelete="SET NULL"))
    contact: Mapped[Contact | None] = relationship()  # noqa: F821
    kind: Mapped[str] = mapped_column(String(20))
    #: ``in`` (the customer reached us) or ``out``; empty for service records.
    direction: Mapped[str | None] = mapped_column(String(3))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The staff member who talked to the customer, or who owns the follow-up task.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("crm_meeting.id", ondelete="SET NULL"))
    meeting: Mapped[Meeting | None] = relationship()
    #: The event a service record was written from (``project.confirmed``, ...).
    event: Mapped[str | None] = mapped_column(String(60))
    #: Follow-up tasks: when due, when done, and the playbook segment that asked for it.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    playbook_segment: Mapped[str | None] = mapped_column(String(30))
    #: Message-ID of an imported e-mail, so the same .eml is not recorded twice.
    message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    #: Names of files that came with the record (the files themselves are attachments).
    attachment_names: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.subject
