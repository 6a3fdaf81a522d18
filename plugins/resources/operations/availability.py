"""Which resources are free for a window and a need, how many units each has left, and what is in the way.

The answer is read from the occupancy rows the booking and maintenance
operations keep (``operations.occupancy``), by the same rule they write
with: a resource occupies its parts (a combined hall both halls), widened
by its own set-up and tear-down buffers; an exclusive resource is free when
nothing overlaps, a stocked one has its stock minus the peak use in the
window left.

It has to stay fast on a large catalogue with a million bookings, so it
runs a fixed number of queries whatever the number of candidates: one for
the candidate resources (with their capacity for the layout asked), one
for their parts, one for the occupancy of all those parts over the widest
buffered window (served by the GiST index of revision resources_0002 on
PostgreSQL), and only when a maintenance window is in the way one more for
the reasons. Everything else is arithmetic in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import ValidationFailed
from plugins.resources.models import Layout, Maintenance, Resource
from plugins.resources.models.choices import KINDS, LAYOUTS, RESOURCE_STATUSES
from plugins.resources.operations import occupancy

#: The longest window one search may cover; longer ones belong to the timeline.
MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class Need:
    """What is being looked for: a window (aware instants) and what the event needs in it."""

    starts_at: datetime
    ends_at: datetime
    kind: str | None = None
    #: A hall must hold ``guests`` in this layout (its capacity for other layouts does not count).
    layout: str | None = None
    guests: int | None = None
    #: Units of a stocked resource (a caterer's units are guests).
    quantity: int = 1
    city: str | None = None
    #: Look only at these resources (for instance to re-check a booking's alternatives).
    resource_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Blocker:
    """A booking or maintenance window that uses the resource in the window."""

    booking_id: int | None
    booking_code: str | None
    maintenance_id: int | None
    starts_at: datetime
    ends_at: datetime
    quantity: int
    reason: str | None = None

    @property
    def label(self) -> str:
        """``BK-2030-000001``, or ``Maintenance (new carpet)``."""
        if self.booking_code:
            return self.booking_code
        if self.reason:
            return _("Maintenance (%(reason)s)", reason=self.reason)
        return _("Maintenance")


@dataclass
class Option:
    """One resource's answer to the need."""

    resource_id: int
    code: str
    name: str
    kind: str
    city: str | None
    status: str
    stock: int
    #: Its capacity for the layout asked (or its largest / its own capacity); None where it has none.
    capacity: int | None
    unit_price: Decimal
    pricing_unit: str
    unit_label: str | None
    #: The window it would be occupied for: the need's widened by its set-up and tear-down buffers.
    occupied_from: datetime
    occupied_until: datetime
    #: Units asked of it (the caterer's guests, else the quantity).
    units: int
    #: Units still free over the whole window (0 or 1 for an exclusive or combined resource).
    remaining: int
    free: bool
    #: Who uses it in the window (each booking or maintenance window once), earliest first.
    blockers: list[Blocker] = field(default_factory=list)
    #: Why it cannot be booked at all right now (its status), when that is the case.
    unavailable: str | None = None

    @property
    def blocked_by(self) -> str:
        return ", ".join(b.label for b in self.blockers)


def search(session, need: Need) -> list[Option]:
    """The resources that could serve ``need``, free ones first, then smallest adequate, then cheapest.

    Retired resources and those that can never serve the need (too small for
    the guests in that layout, too little stock, a caterer's minimum not met)
    are left out; resources under maintenance are listed as not free.
    """
    check_need(need)
    candidates = [c for c in _candidates(session, need) if _adequate(c, need)]
    if not candidates:
        return []
    parts = occupancy.part_ids(session, [c.id for c in candidates])
    windows = {c.id: occupancy.buffered(c, need.starts_at, need.ends_at) for c in candidates}
    widest = (min(w[0] for w in windows.values()), max(w[1] for w in windows.values()))
    all_parts = sorted({p for ps in parts.values() for p in ps})
    rows = occupancy.taken(session, all_parts, *widest)
    reasons = _maintenance_reasons(session, rows)
    by_part: dict[int, list[occupancy.Taken]] = {}
    for row in rows:
        by_part.setdefault(row.part_id, []).append(row)
    options = [_option(c, need, windows[c.id], parts[c.id], by_part, reasons) for c in candidates]
    options.sort(key=lambda o: (not o.free, o.capacity or 0, o.unit_price, o.code))
    return options


def check_need(need: Need) -> None:
    """Refuse a need that cannot be searched, naming the field."""
    if need.starts_at is None or need.starts_at.tzinfo is None:
        raise ValidationFailed(_("Give the start as a date and time."), field="starts_at")
    if need.ends_at is None or need.ends_at.tzinfo is None:
        raise ValidationFailed(_("Give the end as a date and time."), field="ends_at")
    if need.ends_at <= need.starts_at:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    if need.ends_at - need.starts_at > MAX_WINDOW:
        raise ValidationFailed(_("Search at most one year at a time."), field="ends_at")
    if need.kind is not None and need.kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of resource: %(kind)s.", kind=need.kind), field="kind")
    if need.layout is not None and need.layout not in LAYOUTS:
        raise ValidationFailed(_("Unknown layout: %(layout)s.", layout=need.layout), field="layout")
    if need.guests is not None and need.guests < 1:
        raise ValidationFailed(_("Guests must be at least 1."), field="guests")
    if need.quantity is None or need.quantity < 1:
        raise ValidationFailed(_("The quantity must be at least 1."), field="quantity")


@dataclass(frozen=True)
class _Candidate:
    """The columns of a resource the search needs (no ORM object: hundreds are read per search)."""

    id: int
    code: str
    name: str
    kind: str
    city: str | None
    status: str
    stock: int
    unit_price: Decimal
    pricing_unit: str
    unit_label: str | None
    setup_minutes: int
    teardown_minutes: int
    own_capacity: int | None
    min_guests: int | None
    layout_capacity: int | None

    @property
    def capacity(self) -> int | None:
        if self.layout_capacity is not None:
            return self.layout_capacity
        if self.kind == "catering":
            return self.stock
        return self.own_capacity


def _candidates(session, need: Need) -> list[_Candidate]:
    """One query: the resources of the kind, city and ids asked, with their capacity for the layout."""
    if need.layout:
        layout_capacity = Layout.capacity
    else:  # no layout asked: a hall's largest capacity
        layout_capacity = (select(func.max(Layout.capacity)).where(Layout.resource_id == Resource.id)
                           .correlate(Resource).scalar_subquery())
    stmt = select(Resource.id, Resource.code, Resource.name, Resource.kind, Resource.city, Resource.status,
                  Resource.stock, Resource.unit_price, Resource.pricing_unit, Resource.unit_label,
                  Resource.setup_minutes, Resource.teardown_minutes, Resource.capacity, Resource.min_guests,
                  layout_capacity.label("layout_capacity")).where(Resource.status != "retired")
    if need.layout:
        stmt = stmt.join(Layout, (Layout.resource_id == Resource.id) & (Layout.layout == need.layout))
        if need.guests:
            stmt = stmt.where(Layout.capacity >= need.guests)
    if need.kind:
        stmt = stmt.where(Resource.kind == need.kind)
    if need.city:
        stmt = stmt.where(Resource.city == need.city)
    if need.resource_ids is not None:
        stmt = stmt.where(Resource.id.in_(list(need.resource_ids)))
    return [_Candidate(*row) for row in session.execute(stmt)]


def units_of(kind: str, need: Need) -> int:
    """What the need takes of one resource: a caterer serves guests, anything else ``quantity`` units."""
    if kind == "catering" and need.guests:
        return need.guests
    return need.quantity


def _adequate(c: _Candidate, need: Need) -> bool:
    """Could it ever serve the need, however free it is?"""
    if units_of(c.kind, need) > c.stock:
        return False
    if need.guests and c.kind == "catering" and c.min_guests and need.guests < c.min_guests:
        return False
    too_small = c.kind in ("venue", "generic") and c.capacity is not None and c.capacity < (need.guests or 0)
    return not too_small


def _maintenance_reasons(session, rows) -> dict[int, str | None]:
    ids = sorted({r.maintenance_id for r in rows if r.maintenance_id})
    if not ids:
        return {}
    return dict(session.execute(select(Maintenance.id, Maintenance.reason).where(Maintenance.id.in_(ids))
                                .execution_options(huiwu_system=True)).all())


def _option(c: _Candidate, need: Need, window, parts: list[int], by_part, reasons) -> Option:
    start, end = window
    mine = [r for p in parts for r in by_part.get(p, ()) if r.starts_at < end and r.ends_at > start]
    if len(parts) > 1 or c.stock <= 1:
        remaining = 0 if mine else 1
    else:
        remaining = max(c.stock - occupancy.peak(mine, start, end), 0)
    units = units_of(c.kind, need)
    unavailable = str(RESOURCE_STATUSES["maintenance"]) if c.status == "maintenance" else None
    return Option(resource_id=c.id, code=c.code, name=c.name, kind=c.kind, city=c.city, status=c.status,
                  stock=c.stock, capacity=c.capacity, unit_price=c.unit_price, pricing_unit=c.pricing_unit,
                  unit_label=c.unit_label, occupied_from=start, occupied_until=end, units=units,
                  remaining=remaining, free=unavailable is None and remaining >= units,
                  blockers=_blockers(mine, reasons), unavailable=unavailable)


def _blockers(rows, reasons) -> list[Blocker]:
    """Each booking or maintenance window once (a combined hall's booking has a row per part)."""
    seen, found = set(), []
    for r in sorted(rows, key=lambda r: (r.starts_at, r.booking_code or "")):
        key = (r.booking_id, r.maintenance_id)
        if key in seen:
            continue
        seen.add(key)
        found.append(Blocker(r.booking_id, r.booking_code, r.maintenance_id, r.starts_at, r.ends_at, r.quantity,
                             reasons.get(r.maintenance_id) if r.maintenance_id else None))
    return found
