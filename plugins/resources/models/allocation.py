"""What a project needs booked, and the allocator's proposals for serving it.

A ``ResourceNeed`` is a requirement not yet tied to a resource ("a hall for
200 as a banquet on the 12th evening"): the allocator chooses the resource,
and applying its proposal books it, linking the need to that booking. An
``AllocationRun`` keeps one proposal as it was made — who gets what, what
cannot be served and why, the figures — so it can be reviewed later and
applied in one step, or found stale when the bookings changed meanwhile.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import AuditedMixin, Base, UTCDateTime
from core.security.models import User
from plugins.project.models import Project
from plugins.resources.models.booking import Booking


class ResourceNeed(AuditedMixin, Base):
    __tablename__ = "resources_need"
    __table_args__ = (Index("ix_resources_need_status_start", "status", "starts_at"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"), index=True)
    project: Mapped[Project] = relationship()
    #: What it is for, as the project team says it: 主会场, 欢迎晚宴, 分论坛 B.
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    #: The window the event uses; each resource's own buffers are added when it is booked.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A hall must hold ``guests`` in this layout; a caterer serves ``guests``.
    layout: Mapped[str | None] = mapped_column(String(20))
    guests: Mapped[int | None] = mapped_column(Integer)
    #: Items of a stocked resource (projectors, rooms, coaches).
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    #: Only resources whose code or name contains this (投影机, 大巴): equipment and other kinds hold
    #: items that do different jobs, halls and caterers do not need it.
    match: Mapped[str | None] = mapped_column(String(100))
    #: Only resources in this city; any city when empty.
    city: Mapped[str | None] = mapped_column(String(30))
    #: Importance: when not everything can be served, one need of weight 3 counts as three of weight 1.
    weight: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(Text)
    #: open (to allocate), booked (``booking_id`` says where), cancelled.
    status: Mapped[str] = mapped_column(String(20), default="open")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("resources_booking.id", ondelete="SET NULL"),
                                                   index=True)
    booking: Mapped[Booking | None] = relationship()

    def __str__(self) -> str:
        return self.name


class AllocationRun(AuditedMixin, Base):
    """One proposal of the allocator (``created_by`` ran it), kept until it is applied or goes stale.

    ``result`` holds the proposal as plain JSON (see
    ``operations.allocation_record``): the requests as they were read, each
    assignment and refusal with its reasons as codes and values (rendered in
    the reader's language when shown), and the figures.
    """

    __tablename__ = "resources_allocation_run"
    # The proposal is kept on the row itself; the audit says who ran and applied it, not a second copy.
    __audit_masked__ = ("result",)

    #: ``project`` (one project's needs) or ``period`` (every pending request of some kinds in a period).
    mode: Mapped[str] = mapped_column(String(10))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"),
                                                   index=True)
    project: Mapped[Project | None] = relationship()
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The kinds of resource allocated, comma separated (every kind when empty).
    kinds: Mapped[str | None] = mapped_column(String(200))
    #: proposed, applied, stale (it could not be applied any more).
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    served: Mapped[int] = mapped_column(Integer, default=0)
    unserved: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    applied_by: Mapped[User | None] = relationship(foreign_keys=[applied_by_id])
    #: Why it went stale: the need or booking that stood in the way when it was applied.
    problem: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"#{self.id}"
