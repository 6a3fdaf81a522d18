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
- A booking occupies while it is held, awaiting approval or confirmed; a
  maintenance window always (its quantity, or the whole stock).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ARRAY, Integer, and_, any_, bindparam, delete, func, select, text, union_all
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict
from plugins.resources.models import Booking, Maintenance, Occupancy, Resource, resource_part
from plugins.resources.operations.timefmt import span_text

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


def buffered(resource: Resource, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """The window ``resource`` is occupied for when booked from ``starts_at`` to ``ends_at``."""
    return (starts_at - timedelta(minutes=resource.setup_minutes or 0),
            ends_at + timedelta(minutes=resource.teardown_minutes or 0))


def among(session, column, ids):
    """``column IN ids``; on PostgreSQL as ``= ANY(array)``: one parameter, however many ids (an
    availability search passes hundreds, and a list of parameters costs more to send than to run)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(list(ids))


def part_ids(session, resource_ids) -> dict[int, list[int]]:
    """For each resource id: the ids of the parts it occupies (itself unless it is combined)."""
    ids = sorted(set(resource_ids))
    found: dict[int, list[int]] = {rid: [] for rid in ids}
    if ids:
        rows = session.execute(select(resource_part.c.combined_id, resource_part.c.part_id)
                               .where(among(session, resource_part.c.combined_id, ids))
                               .order_by(resource_part.c.combined_id, resource_part.c.part_id))
        for combined, part in rows:
            found[combined].append(part)
    return {rid: parts or [rid] for rid, parts in found.items()}


#: Occupancies longer than this are *long* (maintenance, rentals over weeks): few, with an index of their own.
LONG = timedelta(days=7)
#: "The row is long", written exactly as the partial index's predicate (revision resources_0002), per dialect.
LONG_ROW = {
    "postgresql": "(resources_occupancy.ends_at - resources_occupancy.starts_at) > interval '7 days'",
    "sqlite": "julianday(resources_occupancy.ends_at) - julianday(resources_occupancy.starts_at) > 7",
}


def occupying(session, parts, starts_at: datetime, ends_at: datetime) -> list:
    """Criteria for "the row is of one of ``parts`` and overlaps the half-open window", as disjoint arms.

    A row overlaps when it starts before the window ends and ends after it
    starts. An index on ``(part_id, starts_at)`` (or on ``starts_at``) can
    bound only the first of these, so it would read every earlier row. The
    rows are found instead in two arms, each a bounded index scan: those
    starting at most ``LONG`` before the window, and — the only others that
    can reach into it — the long ones, from their small partial index. This
    keeps a search over hundreds of parts and a million rows to a few
    milliseconds.
    """
    return arms(session.get_bind().dialect.name, among(session, Occupancy.part_id, parts), starts_at, ends_at,
                starts_at - LONG)


def arms(dialect: str, of_parts, starts_at, ends_at, since) -> list:
    """``occupying`` for a criterion on the parts (``of_parts``) and bounds that may be bound parameters
    (``since`` is ``starts_at - LONG``), so that a statement can be built once and run many times."""
    if dialect not in LONG_ROW:
        return [and_(of_parts, Occupancy.starts_at < ends_at, Occupancy.ends_at > starts_at)]
    return [and_(of_parts, Occupancy.starts_at >= since, Occupancy.starts_at < ends_at, Occupancy.ends_at > starts_at),
            and_(of_parts, text(LONG_ROW[dialect]), Occupancy.starts_at < since, Occupancy.ends_at > starts_at)]


def overlapping(criteria: list, exclude_booking_id: int | None = None):
    """The statement reading the occupancies matching one of ``criteria`` (``occupying``'s arms), and
    the subquery its columns come from (to add columns or an order to it). Each row has ``part_id,
    starts_at, ends_at, quantity, booking_id, booking_code, maintenance_id``."""
    selects = []
    for criterion in criteria:
        arm = select(Occupancy.id, Occupancy.part_id, Occupancy.starts_at, Occupancy.ends_at, Occupancy.quantity,
                     Occupancy.booking_id, Occupancy.booking_code, Occupancy.maintenance_id).where(criterion)
        if exclude_booking_id is not None:
            arm = arm.where((Occupancy.booking_id != exclude_booking_id) | Occupancy.booking_id.is_(None))
        selects.append(arm)
    found = (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("found")
    # A row carries its booking's code; one written without it (by hand) has it looked up, row by row,
    # never by a join the planner might turn into a scan of every booking.
    lookup = select(Booking.code).where(Booking.id == found.c.booking_id).scalar_subquery()
    code = func.coalesce(found.c.booking_code, lookup)
    stmt = select(found.c.part_id, found.c.starts_at, found.c.ends_at, found.c.quantity, found.c.booking_id,
                  code.label("booking_code"), found.c.maintenance_id)
    # The rows are the plugin's own bookkeeping: whoever may book must see every slot taken,
    # whether or not the booking behind it is visible to them (its code is all that is named).
    return stmt.execution_options(huiwu_system=True), found


def taken(session, parts: list[int], starts_at: datetime, ends_at: datetime,
          exclude_booking_id: int | None = None) -> list[Taken]:
    """Occupancies of ``parts`` overlapping the half-open window, earliest first."""
    stmt, found = overlapping(occupying(session, parts, starts_at, ends_at), exclude_booking_id)
    return [Taken(*row) for row in session.execute(stmt.order_by(found.c.starts_at, found.c.id))]


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


#: Where a session remembers the resources it holds locked: ``[(transaction, ids), ...]``.
LOCKED_KEY = "resources.locked"


def lock(session, resource_id: int) -> None:
    """Serialise bookings of one resource until the transaction ends (a no-op lock on SQLite).

    A resource this transaction locked already (``lock_group``) is not
    asked for again.
    """
    if resource_id in held(session):
        return
    session.execute(select(Resource.id).where(Resource.id == resource_id).with_for_update()
                    .execution_options(huiwu_system=True))
    _remember(session, [resource_id])


def held(session) -> frozenset[int]:
    """The resources this session's transaction holds locked through ``lock`` or ``lock_group``.

    A lock taken in a savepoint that was rolled back is released by the
    database; so only the locks taken in the current transaction or in one
    enclosing it count.
    """
    memo = session.info.get(LOCKED_KEY)
    if not memo:
        return frozenset()
    chain = _transactions(session)
    return frozenset(i for transaction, ids in memo if transaction in chain for i in ids)


def _transactions(session) -> set:
    """The current transaction (a savepoint's, if one is open) and those enclosing it."""
    found, transaction = set(), session.get_nested_transaction() or session.get_transaction()
    while transaction is not None:
        found.add(transaction)
        transaction = transaction.parent
    return found


def _remember(session, ids) -> None:
    chain = _transactions(session)
    memo = [(t, i) for t, i in session.info.get(LOCKED_KEY, ()) if t in chain]
    current = session.get_nested_transaction() or session.get_transaction()
    session.info[LOCKED_KEY] = [*memo, (current, frozenset(ids))]


def _group(resource_ids):
    """Criterion for the group of ``resource_ids`` (see ``group_ids``), to be read in one statement.

    A combined hall is never a part of another, so asking for the halls that
    have one of ``resource_ids`` *or* one of their parts as a part finds
    exactly the halls sharing a physical part with them.
    """
    ids = sorted(set(resource_ids))
    parts = select(resource_part.c.part_id).where(resource_part.c.combined_id.in_(ids))
    sharing = select(resource_part.c.combined_id).where(
        resource_part.c.part_id.in_(ids) | resource_part.c.part_id.in_(parts))
    parts_of_sharing = select(resource_part.c.part_id).where(resource_part.c.combined_id.in_(sharing))
    return (Resource.id.in_(ids) | Resource.id.in_(parts) | Resource.id.in_(sharing)
            | Resource.id.in_(parts_of_sharing))


def group_ids(session, resource_ids) -> list[int]:
    """The resources whose bookings can stand in each other's way with those of ``resource_ids``.

    That is each resource, the parts it occupies, every combined hall sharing
    one of those parts, and those halls' parts: all the rows a booking,
    cancellation or promotion of ``resource_ids`` may lock or point at.
    """
    return list(session.scalars(select(Resource.id).where(_group(resource_ids)).order_by(Resource.id)
                                .execution_options(huiwu_system=True)))


def lock_group(session, resource_ids) -> list[int]:
    """Lock the group of ``resource_ids`` (``group_ids``) in ascending id order, before anything else.

    Taking every lock a booking action needs up front, always in the same
    order, is what keeps two actions from waiting on each other (PostgreSQL
    would abort one as a deadlock): inserting a booking or an occupancy row
    takes a key-share lock on the resource it points at, which conflicts
    with another transaction's ``FOR UPDATE``, unless this transaction holds
    that row already. One statement finds the group and locks it. Returns
    the ids locked.
    """
    ids = list(session.scalars(select(Resource.id).where(_group(resource_ids)).order_by(Resource.id)
                               .with_for_update().execution_options(huiwu_system=True)))
    _remember(session, ids)
    return ids


def check_fits(session, resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int,
               exclude_booking_id: int | None = None, buffers: bool = True, parts: list[int] | None = None) -> None:
    """Raise ``Conflict`` naming what is in the way when ``quantity`` of ``resource`` is not free.

    ``parts``: the resource's parts (``part_ids``), when the caller has read them already.
    """
    lock(session, resource.id)
    start, end = buffered(resource, starts_at, ends_at) if buffers else (starts_at, ends_at)
    if parts is None:
        parts = part_ids(session, [resource.id])[resource.id]
    rows = taken(session, parts, start, end, exclude_booking_id)
    if resource.exclusive or len(parts) > 1:
        if rows:
            raise conflict_error(session, resource, rows[0])
        return
    free = resource.stock - peak(rows, start, end)
    if quantity > free:
        who = ", ".join(sorted({r.booking_code or _("maintenance") for r in rows}))
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
    """Insert the occupancy rows; an overlap the database refuses (a race lost) names the winner."""
    exclusive = resource.exclusive or len(parts) > 1
    try:
        with session.begin_nested():
            session.add_all([Occupancy(part_id=p, starts_at=start, ends_at=end, quantity=quantity,
                                       exclusive=exclusive, **owner) for p in parts])
            session.flush()
    except IntegrityError as exc:
        if not _is_overlap(exc):
            raise
        rows = taken(session, parts, start, end, owner.get("booking_id"))
        if not rows:  # pragma: no cover - the winner is not committed yet: say so plainly
            raise Conflict(_("%(name)s was taken by someone else just now.", name=resource.name),
                           field="starts_at") from None
        raise conflict_error(session, resource, rows[0]) from None


def _is_overlap(exc: IntegrityError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "23P01" or OVERLAP in str(exc.orig)


def occupy_booking(session, booking: Booking, fresh: bool = False) -> None:
    """Take what ``booking`` needs (checked first, so the message names the culprit).

    ``fresh``: the booking was just made and occupies nothing yet, so there
    is nothing of its own to release first.
    """
    resource = booking.resource
    parts = part_ids(session, [resource.id])[resource.id]
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
