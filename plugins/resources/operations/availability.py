"""Which resources are free for a window and a need, how many units each has left, and what is in the way.

The answer is read from the occupancy rows the booking and maintenance
operations keep (``operations.occupancy``), by the same rule they write
with: a resource occupies its parts (a combined hall both halls), widened
by its own set-up and tear-down buffers; an exclusive resource is free when
nothing overlaps, a stocked one has its stock minus the peak use in the
window left, a caterer its guests a day minus those booked that day.

It has to stay fast on a large catalogue with a million bookings, so it
runs two queries whatever the number of candidates (``availability_sql``):
one for the candidate resources, with their capacity for the layout asked
and the parts of the combined halls, leaving out in the database those that
could never serve the need; one for the occupancy of all their parts over
the widest buffered window, with each booking's code and each maintenance
window's reason. Everything else is arithmetic in memory, on plain tuples.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _

from core.errors import ValidationFailed
from core.security import record_rules
from plugins.resources.models.choices import KINDS, LAYOUTS, RESOURCE_STATUSES
from plugins.resources.operations import availability_sql as sql
from plugins.resources.operations import occupancy
from plugins.resources.operations.timefmt import zone

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


@dataclass(slots=True)
class Blocker:
    """A booking or maintenance window that uses the resource in the window (occupied from ``starts_at``
    to ``ends_at``, buffers included).

    Read-only by convention: options sharing a part share it. (Not a frozen
    dataclass: a search makes thousands, and a frozen one takes five times
    as long to make.)
    """

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


@dataclass(slots=True)
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
    shape, values = sql.shape_of(session, need), sql.parameters(need)
    candidates, parts = _candidates(session, shape, values)
    if not candidates:
        return []
    windows = _windows(candidates, need, zone(session))
    widest = (min(w[0] for w in windows), max(w[1] for w in windows))
    # Read as the system (the rows are the plugin's bookkeeping), so straight through the connection.
    values = {**values, **sql.window_parameters(*widest)}
    fast = sql.on_driver(shape, "occupancy")
    if fast is not None:
        rows = fast.rows(session.connection(), values)
    else:
        rows = session.connection().execute(sql.occupancy_rows(shape), values).all()
    options = _options(candidates, windows, parts, _by_part(rows), need)
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


def units_of(kind: str, need: Need) -> int:
    """What the need takes of one resource: a caterer serves guests, anything else ``quantity`` units."""
    if kind == "catering" and need.guests:
        return need.guests
    return need.quantity


class _Candidate(NamedTuple):
    """The columns of a resource the search needs (a plain tuple: no ORM object, hundreds are read per search)."""

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
    #: For the layout asked, else its largest; a caterer's stock; else its own capacity.
    capacity: int | None


def _candidates(session, shape, values) -> tuple[list[_Candidate], dict[int, tuple[int, ...]]]:
    """One query: the candidates, and the parts of the combined halls.

    Through the session when a record rule limits which resources the caller
    sees (it adds the rule's criterion); else straight on its connection,
    past the ORM's handling of each of the thousand rows.
    """
    statement = sql.candidates(shape)
    if record_rules.limits(session, statement):
        rows = session.execute(statement, values).all()
    else:
        if session.autoflush:
            session.flush()
        fast = sql.on_driver(shape, "candidates")
        if fast is not None:
            rows = fast.rows(session.connection(), values)
        else:
            rows = session.connection().execute(statement, values).all()  # in one go: row by row costs more
    candidates, parts = {}, {}
    make = _Candidate._make
    for row in rows:
        rid, part_id = row[0], row[-1]
        if part_id is not None:
            parts.setdefault(rid, []).append(part_id)
        if rid not in candidates:
            candidates[rid] = make(row[:-1])
    return list(candidates.values()), {rid: tuple(sorted(ps)) for rid, ps in parts.items()}


def _by_part(rows) -> dict[int, list[Blocker]]:
    """What occupies each part: one ``Blocker`` per occupancy row, made once whichever options show it."""
    by_part: dict[int, list[Blocker]] = {}
    for part_id, starts_at, ends_at, quantity, booking_id, booking_code, maintenance_id, reason in rows:
        blocker = Blocker(booking_id, booking_code, maintenance_id, starts_at, ends_at, quantity, reason)
        by_part.setdefault(part_id, []).append(blocker)
    return by_part


def _windows(candidates, need: Need, company_zone) -> list[tuple[datetime, datetime]]:
    """Each candidate's window, widened by its own set-up and tear-down buffers (made once per pair of
    buffers: most resources share a few, and a search makes hundreds of windows); a per-day kind's
    (a caterer's) the whole days around it."""
    made: dict[tuple[int, int, bool], tuple[datetime, datetime]] = {}
    windows = []
    for c in candidates:
        key = (c.setup_minutes or 0, c.teardown_minutes or 0, c.kind in occupancy.PER_DAY_KINDS)
        window = made.get(key)
        if window is None:
            window = (need.starts_at - timedelta(minutes=key[0]), need.ends_at + timedelta(minutes=key[1]))
            if key[2]:
                window = occupancy.days_around(company_zone, *window)
            made[key] = window
        windows.append(window)
    return windows


def _options(candidates, windows, parts, by_part, need: Need) -> list[Option]:
    """Each candidate's answer, from what occupies its parts in its own (buffered) window."""
    units = {kind: units_of(kind, need) for kind in KINDS}
    under_maintenance = str(RESOURCE_STATUSES["maintenance"])
    options = []
    for c, (start, end) in zip(candidates, windows, strict=True):
        own = parts.get(c.id)
        if own is None:  # the resource is its only part
            mine = [b for b in by_part.get(c.id, ()) if b.starts_at < end and b.ends_at > start]
        else:
            mine = [b for p in own for b in by_part.get(p, ()) if b.starts_at < end and b.ends_at > start]
        if (own is not None and len(own) > 1) or c.stock <= 1:  # a combined hall is exclusive
            remaining = 0 if mine else 1
        else:
            remaining = max(c.stock - occupancy.in_use(c.kind, mine, start, end), 0) if mine else c.stock
        unavailable = under_maintenance if c.status == "maintenance" else None
        asked = units[c.kind]
        blockers = mine if own is None else _merged(mine)  # a part's own rows come in order already
        options.append(Option(c.id, c.code, c.name, c.kind, c.city, c.status, c.stock, c.capacity, c.unit_price,
                              c.pricing_unit, c.unit_label, start, end, asked, remaining,
                              unavailable is None and remaining >= asked, blockers, unavailable))
    return options


def _merged(found: list[Blocker]) -> list[Blocker]:
    """A combined hall's blockers: each booking or maintenance window once (a booking of the hall has a
    row per part), earliest first, then by code."""
    if len(found) < 2:
        return found
    seen, unique = set(), []
    for b in sorted(found, key=lambda b: (b.starts_at, b.booking_code or "")):
        key = (b.booking_id, b.maintenance_id)
        if key not in seen:
            seen.add(key)
            unique.append(b)
    return unique
