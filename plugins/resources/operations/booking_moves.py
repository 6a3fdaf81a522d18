"""Moving a pending booking to another resource: what applying an allocation does to a booking it moves.

The window, quantity, guests and layout stay; the resource changes, checked
as a new request would be (the layout holds the guests, the stock suffices,
the resource is available) and taken through ``occupancy``, so the database
still refuses a double booking. A requested or held booking keeps its
status; a waiting one, now occupying, becomes a hold for its owner to
confirm (``waitlist.offer``). Only pending bookings move: a confirmed one has
a contract, and changing its supplier is a matter for people.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.errors import DomainError, ValidationFailed
from core.notify import notify
from core.security.principal import current
from plugins.project.operations.common import require
from plugins.resources.models import Booking, Resource
from plugins.resources.models.choices import BOOKING_STATUSES, PENDING_STATUSES
from plugins.resources.operations import booking_events as events
from plugins.resources.operations import booking_input, occupancy, pricing, waitlist
from plugins.resources.operations.timefmt import span_text


def move_booking(session, booking: Booking, resource: Resource, *, promote: bool = True) -> Booking:
    """Put ``booking`` on ``resource`` for the same window: all of it, or nothing (the error says why).

    ``promote=False`` leaves what the move freed to the caller to offer to
    the waiting list (an allocation moves several bookings first).
    """
    require(session, "resources.booking.update")
    if booking.status not in PENDING_STATUSES:
        raise DomainError(_("Booking %(code)s is %(status)s: only a pending booking can be moved.",
                            code=booking.code, status=str(BOOKING_STATUSES.get(booking.status, booking.status))
                            .lower()), field="status")
    old = booking.resource
    if resource.id != old.id:
        _check_target(old, resource)
    values = {"resource": resource, "package": booking.package, "act": booking.act, "starts_at": booking.starts_at,
              "ends_at": booking.ends_at, "quantity": booking.quantity, "guests": booking.guests,
              "layout": booking.layout}
    booking_input.check_against_resource(values)
    before = {"starts_at": booking.starts_at, "ends_at": booking.ends_at, "quantity": booking.quantity,
              "total": booking.total, "resource_id": old.id}
    waiting = booking.status == "waitlisted"
    occupancy.lock_group(session, sorted({old.id, resource.id}))
    with session.begin_nested():
        booking.resource, booking.quantity, booking.guests = resource, values["quantity"], values["guests"]
        session.flush()
        occupancy.occupy_booking(session, booking)
        pricing.price_booking(session, booking)
        session.flush()
    if resource.id != old.id:
        events.changed(session, booking, before)
        if not waiting:
            _tell_owner(session, booking, old)
    if waiting:
        waitlist.offer(session, booking)
    if promote and resource.id != old.id and not waiting:
        waitlist.promote(session, [old.id])
    return booking


def _check_target(old: Resource, resource: Resource) -> None:
    if resource.kind != old.kind:
        raise ValidationFailed(_("A booking moves only to a resource of the same kind."), field="resource_id")
    if resource.status != "available":
        raise ValidationFailed(_("%(name)s cannot be booked now.", name=resource.name), field="resource_id")


def _tell_owner(session, booking: Booking, old: Resource) -> None:
    owner = waitlist.owner_id(session, booking)
    if owner is None or owner == current(session).user_id:
        return
    notify(session, [owner], _("Booking %(code)s moved to %(name)s", code=booking.code, name=booking.resource.name),
           _("Your booking %(code)s, %(when)s, was moved from %(old)s to %(name)s to make room for other "
             "requests.", code=booking.code, when=span_text(session, booking.starts_at, booking.ends_at),
             old=old.name, name=booking.resource.name))
