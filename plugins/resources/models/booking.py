"""Bookings, maintenance windows, what they occupy, and the contracts of confirmed bookings.

A booking occupies its resource from ``starts_at`` minus the resource's set-up
buffer to ``ends_at`` plus its tear-down buffer. What is occupied is written
as ``Occupancy`` rows, one per physical part (a combined hall writes one per
part), while the booking is active (held, awaiting approval or confirmed) —
and maintenance windows write them too. The database refuses two exclusive
rows of one part that overlap in time: an exclusion constraint on
PostgreSQL, a trigger on SQLite (see the migration). Stocked rows may
overlap; their quantities are summed under a lock of the resource row.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from core.db import AuditedMixin, Base, Money, UTCDateTime
from core.db.mixins import IdMixin
from core.security.models import User
from plugins.project.models import Project
from plugins.resources.models.catalogue import Act, Package, Resource


class Booking(AuditedMixin, Base):
    __tablename__ = "resources_booking"
    __table_args__ = (
        Index("ix_resources_booking_resource_start", "resource_id", "starts_at"),
        Index("ix_resources_booking_status_expiry", "status", "hold_expires_at"),
        # The few bookings needing attention, among millions (revision resources_0004).
        Index("ix_resources_booking_flagged", "project_id", postgresql_where=text("flagged"),
              sqlite_where=text("flagged = 1")),
        # Lists sorted by window, and "in use between" (bounded by the longest booking, revision resources_0005).
        Index("ix_resources_booking_starts_at", "starts_at"),
    )

    #: ``BK-2026-000001``, from the ``resources.booking`` sequence.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="RESTRICT"), index=True)
    project: Mapped[Project] = relationship()
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="RESTRICT"))
    resource: Mapped[Resource] = relationship()
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    #: Guests expected: checked against a hall's layout capacity and a caterer's minimum.
    guests: Mapped[int | None] = mapped_column(Integer)
    layout: Mapped[str | None] = mapped_column(String(20))
    #: Caterer: the menu package chosen (its price per head is charged); troupe: the act performed.
    package_id: Mapped[int | None] = mapped_column(ForeignKey("resources_package.id", ondelete="SET NULL"))
    package: Mapped[Package | None] = relationship()
    act_id: Mapped[int | None] = mapped_column(ForeignKey("resources_act.id", ondelete="SET NULL"))
    act: Mapped[Act | None] = relationship()
    #: The window the client uses; buffers are added on top when occupying.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    #: 1 for the first option on a slot; 2, 3 ... for those waiting behind it.
    rank: Mapped[int] = mapped_column(Integer, default=1)
    #: A hold lapses at this instant unless it is confirmed.
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it was rejected or cancelled, or what happened to it after a project change.
    reason: Mapped[str | None] = mapped_column(Text)
    #: Fees as quoted when the booking was made or last changed (Money; tax at the configured rate).
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: Needs the PM's attention (a project change it could not follow); ``reason`` says why.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Free alternatives found when it was flagged, as JSON text (resource ids, names, windows).
    alternatives: Mapped[str | None] = mapped_column(Text)
    #: The last project change request it followed (moved with, or was flagged by): a change
    #: delivered twice is not applied twice (``operations.following``).
    project_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_change_request.id", ondelete="SET NULL"))

    contracts: Mapped[list[Contract]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", passive_deletes=True, order_by="Contract.revision")

    def __str__(self) -> str:
        return self.code


class Maintenance(AuditedMixin, Base):
    """A window in which a resource (or some units of a stocked one) cannot be booked."""

    __tablename__ = "resources_maintenance"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="CASCADE"), index=True)
    resource: Mapped[Resource] = relationship()
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Units out of service (stocked resources); the whole resource when empty.
    quantity: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(300))


class Occupancy(IdMixin, Base):
    """What an active booking or a maintenance window takes of one physical part, buffers included.

    Derived from bookings and maintenance by the operations, never edited by
    hand, so it is not audited (its owners are).
    """

    __tablename__ = "resources_occupancy"
    __audited__ = False
    __table_args__ = (
        Index("ix_resources_occupancy_part_start", "part_id", "starts_at"),
        Index("ix_resources_occupancy_part_end", "part_id", "ends_at"),
        # The rows longer than a week (maintenance, long rentals): few, and the only ones an overlap
        # search cannot bound by their start (see ``operations.occupancy_sql.arms``; revision 0002).
        Index("ix_resources_occupancy_long", "part_id", "ends_at",
              postgresql_where=text("(ends_at - starts_at) > interval '7 days'"),
              sqlite_where=text("julianday(ends_at) - julianday(starts_at) > 7")),
        # By time, for a search over hundreds of parts: on PostgreSQL it carries every column such a
        # search reads, so the rows are found in the index alone (revision resources_0007).
        Index("ix_resources_occupancy_start", "starts_at",
              postgresql_include=["part_id", "ends_at", "quantity", "booking_id", "booking_code", "maintenance_id",
                                  "id"]),
    )

    part_id: Mapped[int] = mapped_column(ForeignKey("resources_resource.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("resources_booking.id", ondelete="CASCADE"),
                                                   index=True)
    #: The booking's code (it never changes), so that naming what is in the way reads no booking row.
    booking_code: Mapped[str | None] = mapped_column(String(30))
    maintenance_id: Mapped[int | None] = mapped_column(
        ForeignKey("resources_maintenance.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The part is exclusive: no other exclusive row of it may overlap (enforced by the database).
    exclusive: Mapped[bool] = mapped_column(Boolean, default=True)


class Contract(AuditedMixin, Base):
    """One version of a confirmed booking's contract; a change of the booking adds a version."""

    __tablename__ = "resources_contract"
    __table_args__ = (
        UniqueConstraint("booking_id", "revision"),
        # One contract per state of the booking, however often the message that makes it is delivered.
        Index("uq_resources_contract_booking_version", "booking_id", "booking_version", unique=True),
    )

    booking_id: Mapped[int] = mapped_column(ForeignKey("resources_booking.id", ondelete="CASCADE"))
    booking: Mapped[Booking] = relationship(back_populates="contracts")
    #: ``HT-2026-000001-v2``: the booking's contract number and this version.
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: 1 for the contract made on confirmation, then 2, 3 ... (the row's own ``version`` is its edit counter).
    revision: Mapped[int] = mapped_column(Integer)
    #: The booking's ``version`` this contract shows (None for contracts made before revision resources_0008).
    booking_version: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)
    #: Why this version was made ("confirmed", "window changed" ...).
    note: Mapped[str | None] = mapped_column(String(300))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
