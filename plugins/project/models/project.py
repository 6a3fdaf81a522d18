"""A meeting project, its requirement checklist and its order lines.

Times are instants in UTC (shown in the company's zone). The order lines'
amounts are ``Money``: quantity × unit price, rounded half up to the cent.
``internal_notes`` are for staff only: the client's report never shows them.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import AuditedMixin, Base, Money, UTCDateTime
from core.db.types import to_money
from core.security.models import User
from plugins.crm.models import Contact, Customer


class Project(AuditedMixin, Base):
    __tablename__ = "project_project"
    __table_args__ = (
        Index("ix_project_project_start_id", "start_at", "id"),
        Index("ix_project_project_status_start", "status", "start_at"),
    )

    #: ``HW-2026-0001``, given on creation from the ``project.code`` sequence.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), default="conference")
    status: Mapped[str] = mapped_column(String(20), default="enquiry")
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="RESTRICT"), index=True)
    customer: Mapped[Customer] = relationship()
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id", ondelete="SET NULL"))
    contact: Mapped[Contact | None] = relationship()
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    city: Mapped[str | None] = mapped_column(String(30), index=True)
    venue: Mapped[str | None] = mapped_column(String(200))
    attendance: Mapped[int | None] = mapped_column(Integer)
    #: The client's requirements in their own words, beside the structured checklist.
    description: Mapped[str | None] = mapped_column(Text)
    #: Staff only; never shown in the portal.
    internal_notes: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Requirement.id")
    order_lines: Mapped[list[OrderLine]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OrderLine.id")
    milestones: Mapped[list[Milestone]] = relationship(  # noqa: F821
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Milestone.due_at")

    @validates("name")
    def _strip_name(self, _key, value):
        return (value or "").strip()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Requirement(AuditedMixin, Base):
    """One line of the client's checklist: a category and what exactly is wanted."""

    __tablename__ = "project_requirement"

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"), index=True)
    project: Mapped[Project] = relationship(back_populates="requirements")
    category: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.category


class OrderLine(AuditedMixin, Base):
    """A service sold on the project."""

    __tablename__ = "project_order_line"

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"), index=True)
    project: Mapped[Project] = relationship(back_populates="order_lines")
    service: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(1))
    unit: Mapped[str | None] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: quantity × unit price, kept so totals are summed in the database.
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))

    @validates("quantity", "unit_price")
    def _keep_amount(self, key, value):
        value = Decimal(str(value)) if value is not None else Decimal(0)
        quantity = value if key == "quantity" else (self.quantity or Decimal(0))
        price = value if key == "unit_price" else (self.unit_price or Decimal(0))
        self.amount = to_money(Decimal(quantity) * Decimal(price))
        return value

    def __str__(self) -> str:
        return self.service
