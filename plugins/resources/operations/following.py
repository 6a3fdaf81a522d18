"""Bookings following an approved project change: moved where they fit, flagged with alternatives where not.

Called for ``project.change_approved`` (see ``handlers.py``) with the
event's payload, in a session acting as the system. The rules of what moves
where are in ``change_rules``; every move goes through
``booking_flow.change``, so it is checked, priced, re-contracted and told to
others exactly as a move by hand would be.

Each booking is moved in a savepoint of its own: one that does not fit at
the new time is put back as it was and flagged, and the others move all the
same. The bookings move as a block, the waiting lists are served after: a
slot one of them left goes to the next of the project's bookings moving
into it rather than to a stranger who waited for it, who is offered what
is still free once all moved. The resources of all the bookings are locked up front, in the one
order every booking action locks in, so the moves cannot deadlock with a
booking being made meanwhile.

Each booking remembers the change it followed (``project_change_id``): a
change delivered again, or one older than the last a booking followed,
leaves it alone; so does a change approved after the booking was made.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _

from core.errors import DomainError
from plugins.project.models import ChangeRequest, Project
from plugins.resources.models import Booking
from plugins.resources.operations import attention, booking_flow, change_rules, occupancy
from plugins.resources.operations import waitlist as waiting_list
from plugins.resources.operations.timefmt import span_text


@dataclass
class Followed:
    """What a change did to a project's bookings, for the PM's notice."""

    project: Project
    change: ChangeRequest
    #: (booking, its window before) of each booking moved.
    moved: list[tuple[Booking, str]] = field(default_factory=list)
    #: Each booking flagged (its ``reason`` and ``alternatives`` say why and what else).
    flagged: list[Booking] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.moved or self.flagged)


def follow(session, payload: dict) -> Followed | None:
    """Carry the project's bookings along with the change in ``payload``; None when it is not ours to follow."""
    if payload.get("kind") not in ("time", "venue"):
        return None
    change = session.get(ChangeRequest, payload["change_id"])
    project = session.get(Project, payload["project_id"])
    if change is None or project is None:  # deleted since: nothing left to follow
        return None
    bookings = [b for b in change_rules.bookings_of(session, project.id, made_by=change.decided_at)
                if b.project_change_id is None or b.project_change_id < change.id]
    followed = Followed(project, change)
    if not bookings:
        return followed
    occupancy.lock_group(session, sorted({b.resource_id for b in bookings}))
    if payload["kind"] == "time":
        _follow_time(session, followed, bookings, payload["before"], payload["after"])
    else:
        _follow_venue(session, followed, bookings, payload["before"], payload["after"])
    for booking in bookings:
        booking.project_change_id = change.id
    session.flush()
    return followed


# -- time ---------------------------------------------------------------------------------

def _follow_time(session, followed: Followed, bookings: list[Booking], before: dict, after: dict) -> None:
    shift = change_rules.start_shift(before, after)
    old_end, new_end = change_rules.ends(before, after, followed.project.end_at)
    for booking in change_rules.in_moving_order(bookings, shift):
        old_start = booking.starts_at
        if shift:
            if booking.status == "waitlisted":
                _move_waiting(session, followed, booking, shift)
            else:
                _move(session, followed, booking, shift)
        if booking not in followed.flagged and change_rules.after_the_end(old_start, booking.starts_at, old_end,
                                                                          new_end):
            when = span_text(session, booking.starts_at, booking.ends_at)
            attention.flag(session, booking, _(
                "%(when)s is after the project's new end (change #%(change)d): cancel or move it.",
                when=when, change=followed.change.id), [])
            followed.flagged.append(booking)
    if shift:  # the block has moved: now what it left is offered to who waited for it
        waiting_list.promote(session, sorted({b.resource_id for b in bookings}))


def _move(session, followed: Followed, booking: Booking, shift: timedelta) -> None:
    was = span_text(session, booking.starts_at, booking.ends_at)
    starts_at, ends_at = booking.starts_at + shift, booking.ends_at + shift
    try:
        with session.begin_nested():
            booking_flow.change(session, booking, {"starts_at": starts_at, "ends_at": ends_at}, promote=False)
    except DomainError as exc:  # put back as it was by the savepoint; a person decides
        alternatives = attention.find_alternatives(session, booking, starts_at, ends_at,
                                                   city=booking.resource.city)
        attention.flag(session, booking, _(
            "Could not move with the project (change #%(change)d) to %(when)s: %(why)s",
            change=followed.change.id, when=span_text(session, starts_at, ends_at), why=str(exc.message)), alternatives)
        followed.flagged.append(booking)
        return
    followed.moved.append((booking, was))


def _move_waiting(session, followed: Followed, booking: Booking, shift: timedelta) -> None:
    """A waiting booking takes nothing: it waits for the new window instead, at the back of that queue."""
    was = span_text(session, booking.starts_at, booking.ends_at)
    booking.starts_at, booking.ends_at = booking.starts_at + shift, booking.ends_at + shift
    booking.rank = waiting_list.next_rank(session, booking)
    session.flush()
    followed.moved.append((booking, was))


# -- venue ---------------------------------------------------------------------------------

def _follow_venue(session, followed: Followed, bookings: list[Booking], before: dict, after: dict) -> None:
    change = change_rules.venue_change(before, after)
    if not change:
        return
    for booking in bookings:
        problem = change_rules.venue_problem(booking.resource, change)
        if problem is None:
            continue
        place = (change.venue or followed.project.venue) if booking.resource.kind == "venue" else None
        city = change.city or followed.project.city or booking.resource.city
        alternatives = attention.find_alternatives(session, booking, booking.starts_at, booking.ends_at,
                                                   city=city, place=place)
        attention.flag(session, booking, _("The project's venue changed (change #%(change)d): %(why)s",
                                           change=followed.change.id, why=problem), alternatives)
        followed.flagged.append(booking)
