"""How a project change bears on the project's bookings: the rules the reaction and the preview share.

Time: every booking that is not over yet moves by as much as the project's
start moved, keeping its length (a project that also got longer or shorter
does not stretch its bookings: a two-hour dinner stays two hours). A
booking that would then start at or after the project's new end is out of
the project's dates and needs a person.

Venue: a project's venue is a city and a free-text place. A booking of a
resource in another city than the project's new one cannot follow (the
resource does not travel; one without a city, a troupe say, does); a hall
(kind ``venue``) that is not at the new place, by its name or location,
neither. Such bookings are flagged with alternatives and never moved by
themselves: another resource means another supplier and contract, which is
the PM's decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.db.types import utcnow
from plugins.resources.models import Booking, Resource
from plugins.resources.models.choices import ACTIVE_STATUSES

#: The bookings a project change may carry along: those taking their slot, and those waiting for one.
FOLLOWING_STATUSES = (*ACTIVE_STATUSES, "waitlisted")


def _instant(value) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def start_shift(old: dict, new: dict) -> timedelta:
    """How far the project's start moved (nothing when the change did not touch the start)."""
    before, after = _instant(old.get("start_at")), _instant(new.get("start_at"))
    if before is None or after is None:
        return timedelta(0)
    return after - before


def ends(old: dict, new: dict, current_end: datetime) -> tuple[datetime, datetime]:
    """The project's end before and after the change (``current_end`` where the change did not say)."""
    return _instant(old.get("end_at")) or current_end, _instant(new.get("end_at")) or current_end


def after_the_end(old_start: datetime, new_start: datetime, old_end: datetime, new_end: datetime) -> bool:
    """Does a booking that was within the project's dates start once the project is over now?

    One already after the end (a de-rigging day, say) was put there on purpose and is left alone.
    """
    return old_start < old_end and new_start >= new_end


def bookings_of(session, project_id: int, made_by: datetime | None = None) -> list[Booking]:
    """The project's bookings a change may carry along: active or waiting, not over yet.

    ``made_by`` leaves out bookings made after that instant: they were made
    knowing the change (a booking made for the new dates must not move again).
    """
    stmt = (select(Booking).where(Booking.project_id == project_id, Booking.status.in_(FOLLOWING_STATUSES),
                                  Booking.ends_at > utcnow())
            .order_by(Booking.starts_at, Booking.id).execution_options(huiwu_system=True))
    if made_by is not None:
        stmt = stmt.where(Booking.created_at <= made_by)
    return list(session.scalars(stmt))


def in_moving_order(bookings: list[Booking], shift: timedelta) -> list[Booking]:
    """Waiting bookings first (they take nothing), then the active ones, the leading edge first.

    Moving later, the latest booking moves first, so that two bookings of one
    hall on consecutive days do not stand in each other's way: each moves
    into a slot its neighbour has already left.
    """
    waiting = [b for b in bookings if b.status == "waitlisted"]
    active = sorted((b for b in bookings if b.status != "waitlisted"), key=lambda b: (b.starts_at, b.id),
                    reverse=shift > timedelta(0))
    return waiting + active


# -- venue ------------------------------------------------------------------------------

@dataclass(frozen=True)
class VenueChange:
    #: The project's new city, when it changed (else None).
    city: str | None
    #: The project's new place, when it changed (else None).
    venue: str | None

    def __bool__(self) -> bool:
        return bool(self.city or self.venue)


def _key(text: str | None) -> str:
    """``" 杭州市 "`` and ``"杭州"`` are one city."""
    return (text or "").strip().removesuffix("市").casefold()


def venue_change(old: dict, new: dict) -> VenueChange:
    city = new.get("city") if "city" in new and _key(new.get("city")) != _key(old.get("city")) else None
    venue = new.get("venue") if "venue" in new and _key(new.get("venue")) != _key(old.get("venue")) else None
    return VenueChange(city=(city or "").strip() or None, venue=(venue or "").strip() or None)


def at_venue(venue: str, name: str | None, location: str | None) -> bool:
    """Is a hall called ``name`` at ``location`` part of the place ``venue``?"""
    wanted = _key(venue)
    return bool(wanted) and any(wanted in _key(text) for text in (name, location) if text)


def venue_problem(resource: Resource, change: VenueChange) -> str | None:
    """Why a booking of ``resource`` cannot stay as it is after ``change``; None when it can."""
    if change.city and resource.city and _key(resource.city) != _key(change.city):
        return _("%(name)s is in %(city)s, and the project moves to %(new_city)s.", name=resource.name,
                 city=resource.city, new_city=change.city)
    if change.venue and resource.kind == "venue" and not at_venue(change.venue, resource.name, resource.location):
        return _("%(name)s is not at %(venue)s, the project's new venue.", name=resource.name, venue=change.venue)
    return None
