"""The waiting list: who is next when a slot comes free.

A request that finds its slot taken may join the waiting list instead of
being refused: it is kept as *waitlisted*, ranked 2, 3 ... behind the first
option on that resource and window, and takes nothing. Whenever an active
booking stops occupying (cancelled, rejected, lapsed, or changed to take
less), the waiting bookings of every resource it stood in the way of are
looked at, best rank first: each one whose window now fits becomes a hold
(rank 1, a fresh expiry), takes its slot, and its owner is told (inbox, and
e-mail where it is set up).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db.types import utcnow
from core.errors import Conflict
from core.notify import notify
from plugins.project.models import Project
from plugins.resources.models import Booking
from plugins.resources.operations import booking_events as events
from plugins.resources.operations import occupancy
from plugins.resources.operations.settings import hold_deadline
from plugins.resources.operations.timefmt import local, span_text


def join(session, booking: Booking) -> None:
    """Put ``booking`` (which took nothing) on the waiting list of its resource and window."""
    booking.status = "waitlisted"
    booking.hold_expires_at = None
    booking.rank = next_rank(session, booking)


def next_rank(session, booking: Booking) -> int:
    """One behind the last waiting booking of the same resource whose window overlaps (2 at least)."""
    last = session.scalar(
        select(func.max(Booking.rank))
        .where(Booking.resource_id == booking.resource_id, Booking.status == "waitlisted",
               Booking.id != booking.id, Booking.starts_at < booking.ends_at, Booking.ends_at > booking.starts_at)
        .execution_options(huiwu_system=True))  # the queue is everyone's, whoever may see the bookings in it
    return max(last or 1, 1) + 1


def waiting(session, resource_ids, now) -> list[Booking]:
    """Waiting bookings of ``resource_ids`` that have not started yet, best rank first."""
    return list(session.scalars(
        select(Booking)
        .where(Booking.resource_id.in_(sorted(resource_ids)), Booking.status == "waitlisted", Booking.starts_at > now)
        .order_by(Booking.rank, Booking.id)
        .execution_options(huiwu_system=True)))


def promote(session, resource_ids, now=None) -> list[Booking]:
    """Offer what ``resource_ids`` freed to their waiting lists; returns the bookings promoted."""
    now = now or utcnow()
    group = occupancy.lock_group(session, resource_ids)
    promoted = []
    for booking in waiting(session, group, now):
        if booking.resource.status != "available":
            continue
        try:
            occupancy.occupy_booking(session, booking)
        except Conflict:
            continue  # still in someone's way: it keeps its place in the queue
        offer(session, booking, now)
        promoted.append(booking)
    return promoted


def offer(session, booking: Booking, now=None) -> Booking:
    """A waiting booking that now occupies its slot becomes a hold with a fresh expiry; its owner is told."""
    booking.status, booking.rank = "held", 1
    booking.hold_expires_at = hold_deadline(session, now or utcnow())
    session.flush()
    owner = owner_id(session, booking)
    _tell_owner(session, booking, owner)
    events.promoted(session, booking, owner)
    return booking


def owner_id(session, booking: Booking) -> int | None:
    """Who made the booking; the project's manager when the system made it."""
    if booking.created_by_id is not None:
        return booking.created_by_id
    return session.scalar(select(Project.manager_id).where(Project.id == booking.project_id)
                          .execution_options(huiwu_system=True))


def _tell_owner(session, booking: Booking, owner: int | None) -> None:
    if owner is None:
        return
    resource = booking.resource
    notify(session, [owner], _("%(name)s came free: booking %(code)s is held for you",
                                  name=resource.name, code=booking.code),
           _("Your waiting booking %(code)s for %(name)s, %(when)s, is now held for you until %(until)s. "
             "Confirm it before then, or the place goes to the next in line.",
             code=booking.code, name=resource.name, when=span_text(session, booking.starts_at, booking.ends_at),
             until=f"{local(session, booking.hold_expires_at):%Y-%m-%d %H:%M}"))
