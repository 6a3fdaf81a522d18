"""Bookings: what the admin, the API and other code call (the work is in the modules named below).

- ``booking_flow``: request (hold, waiting list), approve, reject, confirm a
  hold, cancel, change the window or quantity;
- ``holds``: holds that lapse (``expire_holds``, also a scheduled job);
- ``waitlist``: ranks, and promotion when a slot comes free;
- ``attention``: bookings flagged when they could not follow a project change
  (``following``), with their alternatives;
- ``booking_input``: what a booking may ask for, each refusal naming its field;
- ``pricing``: the quote stored on each booking.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from plugins.project.operations.common import get_or_404, require
from plugins.resources.models import Booking, Resource
from plugins.resources.operations import booking_input, pricing
from plugins.resources.operations.attention import clear as clear_flag  # noqa: F401
from plugins.resources.operations.attention import flagged as flagged_bookings  # noqa: F401
from plugins.resources.operations.booking_flow import (  # noqa: F401  (the public surface)
    approve,
    auto_approves,
    cancel,
    change,
    confirm,
    confirm_hold,
    reject,
    request_booking,
)
from plugins.resources.operations.holds import expire_holds  # noqa: F401
from plugins.resources.operations.waitlist import promote  # noqa: F401


def get_booking(session, booking_id) -> Booking:
    """A booking the acting user may see, by id; ``NotFound`` otherwise."""
    return get_or_404(session, Booking, booking_id)


def search(project_id: int | None = None, resource_id: int | None = None, status: str | None = None,
           kind: str | None = None, starts_after: datetime | None = None, ends_before: datetime | None = None,
           code: str | None = None, flagged: bool | None = None):
    """The statement listing bookings by their filters, soonest first (run it through the caller's session).

    ``starts_after``/``ends_before`` keep the bookings overlapping that window;
    ``flagged`` those needing attention after a project change (or the others).
    """
    stmt = select(Booking).order_by(Booking.starts_at, Booking.id)
    for column, value in ((Booking.project_id, project_id), (Booking.resource_id, resource_id),
                          (Booking.status, status), (Booking.flagged, flagged)):
        if value is not None:
            stmt = stmt.where(column == value)
    if kind is not None:
        stmt = stmt.where(Booking.resource_id.in_(select(Resource.id).where(Resource.kind == kind)))
    if starts_after is not None:
        stmt = stmt.where(Booking.ends_at > starts_after)
    if ends_before is not None:
        stmt = stmt.where(Booking.starts_at < ends_before)
    if code:
        stmt = stmt.where(Booking.code.startswith(code.strip().upper(), autoescape=True))
    return stmt


def quote_request(session, data: dict) -> pricing.Quote:
    """The price of a booking not made yet (resource, window, quantity, guests, package or act)."""
    require(session, "resources.resource.read")
    values = booking_input.clean_quote(session, data)
    return pricing.quote(session, values["resource"], values["starts_at"], values["ends_at"], values["quantity"],
                         values["guests"], values["package"], values["act"])
