"""The life of a booking: requested or held, approved, confirmed, changed, cancelled.

::

    request ──► requested ──approve──► confirmed
       │            └──reject──► rejected
       ├──hold──► held ──confirm──► requested (or confirmed when auto-approved)
       │            └──lapses──► expired            (holds.expire_holds)
       └──slot taken, waitlist──► waitlisted ──slot frees──► held   (waitlist.promote)
    any active or waiting booking ──cancel──► cancelled

A request is confirmed at once when its resource is marked *auto-approve* or
its total is under the ``resources.auto_approve_amount`` setting. Every state
change goes through ``occupancy`` (the database refuses a double booking),
emits the events of ``handlers.py`` inside the transaction, and is audited.
Operations do not commit: the caller does, or rolls back on an error.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.db.types import utcnow
from core.errors import Conflict, DomainError, ValidationFailed
from core.security.principal import current
from core.services.sequences import next_number
from plugins.project.operations.common import require
from plugins.resources.models import Booking
from plugins.resources.models.choices import ACTIVE_STATUSES, BOOKING_STATUSES
from plugins.resources.operations import attention, booking_input, occupancy, pricing
from plugins.resources.operations import booking_events as events
from plugins.resources.operations import waitlist as waiting_list
from plugins.resources.operations.closing import close
from plugins.resources.operations.settings import auto_approve_amount, hold_deadline
from plugins.resources.operations.timefmt import local

CODE_SEQUENCE = "resources.booking"
CODE_PATTERN = "BK-{year}-{n:06d}"


def new_code(session) -> str:
    return next_number(session, CODE_SEQUENCE, CODE_PATTERN)


def request_booking(session, data: dict, *, hold: bool = False, waitlist: bool = False) -> Booking:
    """Book a resource for a project: a hold (``hold``) or a request; on the waiting list when taken.

    ``data``: project_id, resource_id, starts_at, ends_at, quantity, guests,
    layout, package_id, act_id, notes. A taken slot raises ``Conflict`` naming
    the booking in the way, unless ``waitlist``: then the booking waits.
    """
    require(session, "resources.booking.create")
    values = booking_input.clean_request(session, data)
    code = new_code(session)  # before the lock: on PostgreSQL it is taken and committed on its own
    occupancy.lock_group(session, [values["resource"].id])
    booking = Booking(code=code, status="requested", rank=1, **values)
    pricing.price_booking(session, booking)
    session.add(booking)
    session.flush()
    try:
        occupancy.occupy_booking(session, booking, fresh=True)
    except Conflict:
        if not waitlist:
            raise
        waiting_list.join(session, booking)
    else:
        if hold:
            booking.status, booking.hold_expires_at = "held", hold_deadline(session)
    session.flush()
    events.requested(session, booking)  # a handler refusing it undoes all of the above
    if booking.status == "requested" and auto_approves(session, booking):
        confirm(session, booking)
    return booking


def auto_approves(session, booking: Booking) -> bool:
    """Confirmed without a manager: the resource says so, or the total is under the configured amount."""
    limit = auto_approve_amount(session)
    return booking.resource.auto_approve or (limit > 0 and booking.total < limit)


def confirm(session, booking: Booking, approver_id: int | None = None) -> Booking:
    """The one place a booking becomes confirmed (approved, auto-approved, or a hold confirmed so)."""
    booking.status, booking.confirmed_at = "confirmed", utcnow()
    booking.approved_by_id, booking.hold_expires_at, booking.rank = approver_id, None, 1
    session.flush()
    events.confirmed(session, booking)  # its contract is made after commit (handlers.py)
    return booking


def approve(session, booking: Booking) -> Booking:
    require(session, "resources.booking.approve")
    _expect(booking, ("requested",))
    return confirm(session, booking, current(session).user_id)


def reject(session, booking: Booking, reason: str | None) -> Booking:
    require(session, "resources.booking.approve")
    _expect(booking, ("requested", "held", "waitlisted"))
    return close(session, booking, "rejected", _reason(reason))


def confirm_hold(session, booking: Booking) -> Booking:
    """Turn a hold into a request for approval, or confirm it when it is auto-approved."""
    require(session, "resources.booking.update")
    _expect(booking, ("held",))
    if booking.hold_expires_at is not None and booking.hold_expires_at <= utcnow():
        raise DomainError(_("The hold %(code)s lapsed at %(when)s; book again.", code=booking.code,
                            when=f"{local(session, booking.hold_expires_at):%Y-%m-%d %H:%M}"), field="status")
    booking.status, booking.hold_expires_at = "requested", None
    session.flush()
    if auto_approves(session, booking):
        confirm(session, booking)
    return booking


def cancel(session, booking: Booking, reason: str | None) -> Booking:
    require(session, "resources.booking.cancel")
    _expect(booking, (*ACTIVE_STATUSES, "waitlisted"))
    return close(session, booking, "cancelled", _reason(reason))


def change(session, booking: Booking, data: dict, *, promote: bool = True) -> Booking:
    """Move or resize an active booking: all of it, or nothing when the new window or quantity is taken.

    The booking's old slot is released and the new one taken in one
    savepoint; a conflict rolls it back, so the booking keeps its old slot.
    What the change freed is offered to the waiting list, unless ``promote``
    is false: a caller moving several bookings as a block offers it once
    they all moved. A move clears the booking's flag (``attention``).
    """
    require(session, "resources.booking.update")
    _expect(booking, ACTIVE_STATUSES)
    values = booking_input.clean_change(session, booking, data)
    before = {key: getattr(booking, key) for key in ("starts_at", "ends_at", "quantity", "total")}
    occupancy.lock_group(session, [booking.resource_id])
    with session.begin_nested():
        for key in booking_input.CHANGEABLE:
            setattr(booking, key, values[key])
        occupancy.occupy_booking(session, booking)
        pricing.price_booking(session, booking)
        if (booking.starts_at, booking.ends_at) != (before["starts_at"], before["ends_at"]):
            attention.unflag(booking)  # moved: whatever it was flagged for, someone dealt with it
        session.flush()
    events.changed(session, booking, before)  # a confirmed booking's new contract is made after commit
    if promote:
        waiting_list.promote(session, [booking.resource_id])
    return booking


def _reason(reason: str | None) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationFailed(_("Say why."), field="reason")
    return cleaned


def _expect(booking: Booking, statuses) -> None:
    if booking.status not in statuses:
        raise DomainError(_("Booking %(code)s is %(status)s: this cannot be done now.", code=booking.code,
                            status=str(BOOKING_STATUSES.get(booking.status, booking.status)).lower()),
                          field="status")
