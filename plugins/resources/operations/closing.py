"""Ending a booking: rejected, cancelled or lapsed, it frees what it took and offers it to the waiting list."""
from __future__ import annotations

from core.db.types import utcnow
from plugins.resources.models import Booking
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations import attention, occupancy, waitlist
from plugins.resources.operations import booking_events as events


def close(session, booking: Booking, status: str, reason: str | None) -> Booking:
    """Move ``booking`` to the closed ``status`` with ``reason``; tell others; promote who waited for it."""
    occupancy.lock_group(session, [booking.resource_id])
    old_status = booking.status
    booking.status, booking.reason = status, reason
    booking.closed_at, booking.hold_expires_at = utcnow(), None
    attention.unflag(booking)
    occupancy.release_booking(session, booking)
    session.flush()
    events.cancelled(session, booking, old_status)
    if old_status in ACTIVE_STATUSES:
        waitlist.promote(session, [booking.resource_id])
    return booking
