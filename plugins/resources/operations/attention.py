"""Bookings that need the PM's attention: flagged when they could not follow a project change.

A flagged booking keeps its slot (nothing is given up until a person
decides); ``reason`` says what went wrong and ``alternatives`` lists up to
three free resources of the same kind that would do, found with the
availability search at the window it should have moved to. The flag goes
when the booking is moved by hand, closed, or cleared by someone who looked
at it.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from core.errors import ValidationFailed
from plugins.project.operations.common import require
from plugins.resources.models import Booking, Resource
from plugins.resources.operations import availability, change_rules

#: How many alternatives a flagged booking lists.
ALTERNATIVES = 3


def find_alternatives(session, booking: Booking, starts_at: datetime, ends_at: datetime,
                      city: str | None = None, place: str | None = None) -> list[dict]:
    """Up to ``ALTERNATIVES`` other resources that could take ``booking`` from ``starts_at`` to ``ends_at``.

    Same kind, adequate for its layout, guests and quantity, free then, in
    ``city`` when one is given; in the search's order (free, smallest
    adequate, cheapest), except that halls at ``place`` (a venue's name)
    come first.
    """
    need = availability.Need(starts_at=starts_at, ends_at=ends_at, kind=booking.resource.kind,
                             layout=booking.layout, guests=booking.guests, quantity=booking.quantity or 1,
                             city=city)
    try:
        found = availability.search(session, need)
    except ValidationFailed:  # a need the search cannot take (a window beyond its reach): none to offer
        return []
    options = [o for o in found if o.free and o.resource_id != booking.resource_id]
    if place and options:
        where = dict(session.execute(select(Resource.id, Resource.location)
                                     .where(Resource.id.in_([o.resource_id for o in options]))).all())
        # stable: the search's order within each group
        options.sort(key=lambda o: not change_rules.at_venue(place, o.name, where.get(o.resource_id)))
    return [{"resource_id": o.resource_id, "code": o.code, "name": o.name, "city": o.city,
             "capacity": o.capacity, "unit_price": str(o.unit_price), "pricing_unit": o.pricing_unit,
             "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
            for o in options[:ALTERNATIVES]]


def flag(session, booking: Booking, note: str, alternatives: list[dict]) -> None:
    booking.flagged, booking.reason = True, note
    booking.alternatives = json.dumps(alternatives, ensure_ascii=False)


def unflag(booking: Booking) -> None:
    """Forget the flag (the booking was moved by hand, or closed)."""
    booking.flagged, booking.alternatives = False, None


def clear(session, booking: Booking) -> Booking:
    """Someone looked at a flagged booking and keeps it as it is."""
    require(session, "resources.booking.update")
    unflag(booking)
    session.flush()
    return booking


def alternatives_of(booking: Booking) -> list[dict]:
    return json.loads(booking.alternatives) if booking.alternatives else []


def flagged(session, project_id: int | None = None) -> list[Booking]:
    """The flagged bookings the acting user sees (of one project when given), soonest first."""
    stmt = select(Booking).where(Booking.flagged.is_(True)).order_by(Booking.starts_at, Booking.id)
    if project_id is not None:
        stmt = stmt.where(Booking.project_id == project_id)
    return list(session.scalars(stmt))
