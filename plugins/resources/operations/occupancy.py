"""What a booking or a maintenance window takes, and whether it fits: the one place that decides.

The rule, used by booking, maintenance, availability and allocation alike:

- A resource occupies its *parts*: a combined hall (A+B) its parts A and B,
  anything else itself. So booking AB blocks A and B, and booking A blocks AB.
- The occupied window is the booked window widened by the resource's set-up
  buffer before and tear-down buffer after (a hall is being dressed then).
- An exclusive part (stock 1) holds at most one occupancy at any instant —
  the database refuses an overlap by itself (see the migration). A stocked
  part's overlapping quantities add up to at most its stock; that sum is
  checked with the resource row locked (``FOR UPDATE`` on PostgreSQL; on
  SQLite the write transaction is serialised already), so two processes
  cannot both take the last unit.
- A caterer's stock is the most guests it serves *a day*: its bookings of
  one calendar day (the company's) add up, lunch and dinner alike
  (``PER_DAY_KINDS``).
- A booking occupies while it is held, awaiting approval or confirmed; a
  maintenance window always (its quantity, or the whole stock).

The locks live in ``locks`` (which also remembers, per transaction, what is
held, so one action does not lock or read the parts twice); the statements
in ``occupancy_sql``, built once per dialect.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict
from plugins.resources.models import Booking, Maintenance, Occupancy, Resource
from plugins.resources.operations import locks
from plugins.resources.operations import occupancy_sql as sql
from plugins.resources.operations.locks import group_ids, lock, lock_group  # noqa: F401 - part of the rule's surface
from plugins.resources.operations.timefmt import span_text, zone

#: The text the SQLite trigger raises (see the migration); PostgreSQL says sqlstate 23P01.
OVERLAP = "resources_occupancy_overlap"


@dataclass(frozen=True)
class Taken:
    """One occupancy that stands in the way: whose it is and when."""

    part_id: int
    starts_at: datetime
    ends_at: datetime
    quantity: int
    booking_id: int | None
    booking_code: str | None
    maintenance_id: int | None


#: Kinds whose stock is a most per day rather than at one instant: a caterer's kitchen and staff serve
#: so many guests a day, over lunch and dinner together.
PER_DAY_KINDS = frozenset({"catering"})


def days_around(zone, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """From the company's midnight before ``starts_at`` to the one at or after ``ends_at``."""
    first = datetime.combine(starts_at.astimezone(zone).date(), time(), tzinfo=zone)
    end_local = ends_at.astimezone(zone)
    last_day = end_local.date() if end_local.time() == time() else end_local.date() + timedelta(days=1)
    return first, datetime.combine(last_day, time(), tzinfo=zone)


def in_use(kind: str, rows, starts_at: datetime, ends_at: datetime) -> int:
    """Units in use in the window: every service of the day(s) added up for a per-day kind, else the peak."""
    if kind in PER_DAY_KINDS:
        return sum(r.quantity for r in rows)
    return peak(rows, starts_at, ends_at)


def buffered(resource: Resource, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """The window ``resource`` is occupied for when booked from ``starts_at`` to ``ends_at``."""
    return (starts_at - timedelta(minutes=resource.setup_minutes or 0),
            ends_at + timedelta(minutes=resource.teardown_minutes or 0))


def part_ids(session, resource_ids) -> dict[int, list[int]]:
    """For each resource id: the ids of the parts it occupies (itself unless it is combined)."""
    ids = sorted(set(resource_ids))
    found: dict[int, list[int]] = {rid: [] for rid in ids}
    if ids:
        for combined, part in session.execute(sql.parts_of(_dialect(session)), {"ids": ids}):
            found[combined].append(part)
    return {rid: parts or [rid] for rid, parts in found.items()}


def _dialect(session) -> str:
    return session.get_bind().dialect.name


#: Occupancies longer than this are *long* (maintenance, rentals over weeks): few, with an index of their own.
LONG = sql.LONG
#: "The row is long", written exactly as the partial index's predicate (revision resources_0002), per dialect.
LONG_ROW = sql.LONG_ROW


def taken(session, parts: list[int], starts_at: datetime, ends_at: datetime,
          exclude_booking_id: int | None = None) -> list[Taken]:
    """Occupancies of ``parts`` overlapping the half-open window, earliest first.

    A row overlaps when it starts before the window ends and ends after it
    starts. An index on ``(part_id, starts_at)`` (or on ``starts_at``) can
    bound only the first of these, so it would read every earlier row. The
    rows are found instead in two arms, each a bounded index scan: those
    starting at most ``LONG`` before the window, and — the only others that
    can reach into it — the long ones, from their small partial index (see
    ``occupancy_sql.arms``). This keeps a search over hundreds of parts and
    a million rows to a few milliseconds.
    """
    values = {"parts": list(parts), "starts_at": starts_at, "ends_at": ends_at, "since": starts_at - LONG}
    if exclude_booking_id is not None:
        values["exclude"] = exclude_booking_id
    statement = sql.taken(_dialect(session), exclude_booking_id is not None)
    return [Taken(*row) for row in session.execute(statement, values)]


def peak(rows: list[Taken], starts_at: datetime, ends_at: datetime) -> int:
    """The largest quantity in use at any one instant of the window (a sweep over start/end points)."""
    points = []
    for r in rows:
        points.append((max(r.starts_at, starts_at), 1, r.quantity))
        points.append((min(r.ends_at, ends_at), 0, -r.quantity))
    in_use = best = 0
    for _at, _order, delta in sorted(points):  # ends (0) before starts (1) at the same instant
        in_use += delta
        best = max(best, in_use)
    return best


def check_fits(session, resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int,
               exclude_booking_id: int | None = None, buffers: bool = True, parts: list[int] | None = None) -> None:
    """Raise ``Conflict`` naming what is in the way when ``quantity`` of ``resource`` is not free.

    ``parts``: the resource's parts (``part_ids``), when the caller has read them already.
    """
    lock(session, resource.id)
    start, end = buffered(resource, starts_at, ends_at) if buffers else (starts_at, ends_at)
    per_day = resource.kind in PER_DAY_KINDS
    if per_day:
        start, end = days_around(zone(session), start, end)
    if parts is None:
        parts = part_ids(session, [resource.id])[resource.id]
    rows = taken(session, parts, start, end, exclude_booking_id)
    if resource.exclusive or len(parts) > 1:
        if rows:
            raise conflict_error(session, resource, rows[0])
        return
    free = resource.stock - in_use(resource.kind, rows, start, end)
    if quantity > free:
        who = ", ".join(sorted({r.booking_code or _("maintenance") for r in rows}))
        if per_day:
            raise Conflict(_("%(name)s serves at most %(stock)d guests a day; %(free)d are left that day (asked "
                             "for %(asked)d), booked by %(who)s.", name=resource.name, stock=resource.stock,
                             free=max(free, 0), asked=quantity, who=who), field="quantity")
        raise Conflict(_("Only %(free)d of %(stock)d %(name)s are free then (asked for %(asked)d); in use by "
                         "%(who)s.", free=max(free, 0), stock=resource.stock, name=resource.name, asked=quantity,
                         who=who),
                       field="quantity")


def conflict_error(session, resource: Resource, row: Taken) -> Conflict:
    when = span_text(session, row.starts_at, row.ends_at)
    if row.booking_code:
        message = _("%(name)s is already taken %(when)s by booking %(code)s (set-up and tear-down included).",
                    name=resource.name, when=when, code=row.booking_code)
    else:
        message = _("%(name)s is under maintenance %(when)s.", name=resource.name, when=when)
    return Conflict(message, field="starts_at")


def _write(session, resource: Resource, start: datetime, end: datetime, quantity: int, parts: list[int],
           **owner) -> None:
    """Insert the occupancy rows; an overlap the database refuses (a race lost) names the winner.

    When this transaction holds the whole group of the resource locked
    (``locks.lock_group``), nobody else can write an overlapping row before
    it ends: the rows go in without a savepoint (two round trips fewer), and
    should the database still refuse them, its error ends the action as is.
    """
    exclusive = resource.exclusive or len(parts) > 1
    rows = [{"part_id": p, "starts_at": start, "ends_at": end, "quantity": quantity, "exclusive": exclusive,
             "booking_id": None, "booking_code": None, "maintenance_id": None, **owner} for p in parts]
    # Rows of the plugin's bookkeeping, neither audited nor versioned: no unit of work needed.
    if locks.group_held(session, resource.id):
        session.execute(insert(Occupancy.__table__), rows)
        return
    try:
        with session.begin_nested():
            session.execute(insert(Occupancy.__table__), rows)
    except IntegrityError as exc:
        if not _is_overlap(exc):
            raise
        found = taken(session, parts, start, end, owner.get("booking_id"))
        if not found:  # pragma: no cover - the winner is not committed yet: say so plainly
            raise Conflict(_("%(name)s was taken by someone else just now.", name=resource.name),
                           field="starts_at") from None
        raise conflict_error(session, resource, found[0]) from None


def _is_overlap(exc: IntegrityError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "23P01" or OVERLAP in str(exc.orig)


def occupy_booking(session, booking: Booking, fresh: bool = False) -> None:
    """Take what ``booking`` needs (checked first, so the message names the culprit).

    ``fresh``: the booking was just made and occupies nothing yet, so there
    is nothing of its own to release first.
    """
    resource = booking.resource
    parts = locks.parts_held(session, resource.id) or part_ids(session, [resource.id])[resource.id]
    check_fits(session, resource, booking.starts_at, booking.ends_at, booking.quantity, booking.id, parts=parts)
    if not fresh:
        release_booking(session, booking)
    start, end = buffered(resource, booking.starts_at, booking.ends_at)
    _write(session, resource, start, end, booking.quantity, parts, booking_id=booking.id,
           booking_code=booking.code)


def release_booking(session, booking: Booking) -> None:
    session.execute(delete(Occupancy).where(Occupancy.booking_id == booking.id)
                    .execution_options(synchronize_session=False))


def occupy_maintenance(session, window: Maintenance) -> None:
    """Take the resource out of service; refused while a booking holds the window."""
    resource = window.resource
    quantity = window.quantity or resource.stock
    parts = part_ids(session, [resource.id])[resource.id]
    # Maintenance is the resource's own downtime: no set-up or tear-down buffer around it.
    check_fits(session, resource, window.starts_at, window.ends_at, quantity, buffers=False, parts=parts)
    release_maintenance(session, window)
    _write(session, resource, window.starts_at, window.ends_at, quantity, parts, maintenance_id=window.id)


def release_maintenance(session, window: Maintenance) -> None:
    session.execute(delete(Occupancy).where(Occupancy.maintenance_id == window.id)
                    .execution_options(synchronize_session=False))
