"""What occupies each resource over a period: its bookings and maintenance windows, buffers included.

A resource's line shows everything that stops it being booked, by the
occupancy rule: its own bookings, and those of a combined hall it is part of
(or of the parts, for the combined hall), each marked with the resource it
came through. The project behind a booking is named only to those who may
see the booking (the record rules decide); others see that the slot is
taken, by which booking code, and no more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import ValidationFailed
from plugins.project.models import Project
from plugins.resources.models import Booking, Maintenance, Resource
from plugins.resources.models.choices import KINDS
from plugins.resources.operations import occupancy

#: The longest period one timeline covers.
MAX_PERIOD = timedelta(days=400)
#: Ids per ``IN (...)`` list, well under every driver's limit on parameters.
CHUNK = 1000


@dataclass(frozen=True)
class Line:
    """One resource: a line of the chart."""

    resource_id: int
    code: str
    name: str
    kind: str
    stock: int
    status: str

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Bar:
    """One booking or maintenance window on one resource's line."""

    resource_id: int
    booking_id: int | None
    maintenance_id: int | None
    #: The booking's code; None for maintenance.
    code: str | None
    #: The booking's status, or ``"maintenance"``.
    status: str
    #: The window itself (what the client booked; the maintenance window).
    starts_at: datetime
    ends_at: datetime
    #: What it occupies: the window widened by the set-up and tear-down buffers.
    occupied_from: datetime
    occupied_until: datetime
    quantity: int
    #: The project's code and name; None when the viewer may not see the booking.
    project_code: str | None = None
    project_name: str | None = None
    #: The resource it was booked on, when another one (a combined hall, or one of its parts).
    via: str | None = None
    #: Why the resource is out of service (maintenance only).
    reason: str | None = None

    @property
    def key(self) -> str:
        return f"booking-{self.booking_id}" if self.booking_id else f"maintenance-{self.maintenance_id}"


@dataclass(frozen=True)
class Timeline:
    starts_at: datetime
    ends_at: datetime
    lines: list[Line]
    bars: list[Bar]

    def bars_of(self, resource_id: int) -> list[Bar]:
        return [b for b in self.bars if b.resource_id == resource_id]


def for_resources(session, resource_ids, starts_at: datetime, ends_at: datetime) -> Timeline:
    """The timeline of the given resources (retired ones included: they may still have history)."""
    _check_period(starts_at, ends_at)
    ids = sorted(set(resource_ids))
    lines = _lines(session, select(*_LINE_COLUMNS).where(Resource.id.in_(ids))) if ids else []
    return _build(session, lines, starts_at, ends_at)


def for_kind(session, kind: str, starts_at: datetime, ends_at: datetime, city: str | None = None) -> Timeline:
    """The timeline of every resource of ``kind`` in service (optionally in one city)."""
    _check_period(starts_at, ends_at)
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of resource: %(kind)s.", kind=kind), field="kind")
    stmt = select(*_LINE_COLUMNS).where(Resource.kind == kind, Resource.status != "retired")
    if city:
        stmt = stmt.where(Resource.city == city)
    return _build(session, _lines(session, stmt), starts_at, ends_at)


_LINE_COLUMNS = (Resource.id, Resource.code, Resource.name, Resource.kind, Resource.stock, Resource.status)


def _check_period(starts_at, ends_at) -> None:
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        raise ValidationFailed(_("Give the start as a date and time."), field="starts_at")
    if not isinstance(ends_at, datetime) or ends_at.tzinfo is None:
        raise ValidationFailed(_("Give the end as a date and time."), field="ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    if ends_at - starts_at > MAX_PERIOD:
        raise ValidationFailed(_("Show at most %(days)d days at a time.", days=MAX_PERIOD.days), field="ends_at")


def _lines(session, stmt) -> list[Line]:
    return [Line(*row) for row in session.execute(stmt.order_by(Resource.code))]


def _build(session, lines: list[Line], starts_at: datetime, ends_at: datetime) -> Timeline:
    if not lines:
        return Timeline(starts_at, ends_at, [], [])
    parts = occupancy.part_ids(session, [line.resource_id for line in lines])
    rows = occupancy.taken(session, sorted({p for ps in parts.values() for p in ps}), starts_at, ends_at)
    bookings = _bookings(session, {r.booking_id for r in rows if r.booking_id})
    windows = _maintenance(session, {r.maintenance_id for r in rows if r.maintenance_id})
    codes = _codes(session, {b["resource_id"] for b in bookings.values()}
                   | {w["resource_id"] for w in windows.values()})
    by_part: dict[int, list[occupancy.Taken]] = {}
    for row in rows:
        by_part.setdefault(row.part_id, []).append(row)
    bars = []
    for line in lines:
        seen = set()
        for row in sorted((r for p in parts[line.resource_id] for r in by_part.get(p, ())),
                          key=lambda r: (r.starts_at, r.booking_id or 0, r.maintenance_id or 0)):
            if (row.booking_id, row.maintenance_id) in seen:
                continue
            seen.add((row.booking_id, row.maintenance_id))
            bars.append(_bar(line, row, bookings, windows, codes))
    return Timeline(starts_at, ends_at, lines, bars)


def _bar(line: Line, row: occupancy.Taken, bookings: dict, windows: dict, codes: dict) -> Bar:
    owner = bookings[row.booking_id] if row.booking_id else windows[row.maintenance_id]
    via = codes.get(owner["resource_id"]) if owner["resource_id"] != line.resource_id else None
    common = {"resource_id": line.resource_id, "booking_id": row.booking_id, "maintenance_id": row.maintenance_id,
              "starts_at": owner["starts_at"], "ends_at": owner["ends_at"], "occupied_from": row.starts_at,
              "occupied_until": row.ends_at, "quantity": row.quantity, "via": via}
    if row.booking_id:
        return Bar(code=owner["code"], status=owner["status"], project_code=owner["project_code"],
                   project_name=owner["project_name"], **common)
    return Bar(code=None, status="maintenance", reason=owner["reason"], **common)


def _chunks(ids):
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _bookings(session, ids) -> dict[int, dict]:
    """The bookings behind the rows; the project is named only where the viewer sees the booking."""
    found: dict[int, dict] = {}
    for chunk in _chunks(ids):
        visible = set(session.scalars(select(Booking.id).where(Booking.id.in_(chunk))))
        stmt = (select(Booking.id, Booking.code, Booking.status, Booking.resource_id, Booking.starts_at,
                       Booking.ends_at, Project.code, Project.name)
                .join(Project, Project.id == Booking.project_id).where(Booking.id.in_(chunk))
                .execution_options(huiwu_system=True))
        for bid, code, status, resource_id, starts_at, ends_at, project_code, project_name in session.execute(stmt):
            shown = bid in visible
            found[bid] = {"code": code, "status": status, "resource_id": resource_id, "starts_at": starts_at,
                          "ends_at": ends_at, "project_code": project_code if shown else None,
                          "project_name": project_name if shown else None}
    return found


def _maintenance(session, ids) -> dict[int, dict]:
    found: dict[int, dict] = {}
    for chunk in _chunks(ids):
        stmt = (select(Maintenance.id, Maintenance.resource_id, Maintenance.starts_at, Maintenance.ends_at,
                       Maintenance.reason).where(Maintenance.id.in_(chunk)).execution_options(huiwu_system=True))
        for mid, resource_id, starts_at, ends_at, reason in session.execute(stmt):
            found[mid] = {"resource_id": resource_id, "starts_at": starts_at, "ends_at": ends_at, "reason": reason}
    return found


def _codes(session, ids) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(ids):
        found.update(session.execute(select(Resource.id, Resource.code).where(Resource.id.in_(chunk))).all())
    return found
