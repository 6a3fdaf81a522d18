"""Maintenance windows: a resource (or some units of a stocked one) out of service for a while.

A window occupies the resource through ``occupancy.occupy_maintenance``, so
it is refused over an active booking (the message names the booking) and,
once saved, blocks bookings exactly as a booking would. Setting the
resource's status to *under maintenance* is a separate, manual decision:
a window is planned downtime, the status says the resource is out of use
until further notice.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from core.errors import Forbidden, NotFound, ValidationFailed
from core.security.principal import current
from plugins.resources.models import Maintenance, Resource
from plugins.resources.operations import occupancy

FIELDS = ("resource_id", "starts_at", "ends_at", "quantity", "reason")
REASON_LENGTH = 300


def create_window(session, data: dict) -> Maintenance:
    """Plan a window from ``data`` (the keys of ``FIELDS``); refused over an active booking."""
    _require(session, "create")
    values = _checked(session, data)
    window = Maintenance(**values)
    session.add(window)
    session.flush()
    occupancy.occupy_maintenance(session, window)
    return window


def update_window(session, window: Maintenance, data: dict) -> Maintenance:
    """Move, resize or re-word a window; what it occupies follows (and is re-checked)."""
    _require(session, "update")
    merged = {key: getattr(window, key) for key in FIELDS}
    merged.update({key: value for key, value in data.items() if key in FIELDS})
    values = _checked(session, merged)
    # Its own rows must go first: the check would otherwise find the window in its own way.
    occupancy.release_maintenance(session, window)
    for key, value in values.items():
        setattr(window, key, value)
    session.flush()
    occupancy.occupy_maintenance(session, window)
    return window


def delete_window(session, window: Maintenance) -> None:
    _require(session, "delete")
    occupancy.release_maintenance(session, window)
    session.delete(window)
    session.flush()


def get_window(session, window_id) -> Maintenance:
    window = session.get(Maintenance, window_id) if window_id is not None else None
    if window is None:
        raise NotFound(_("Not found."))
    return window


def _require(session, action: str) -> None:
    if not current(session).can(f"resources.maintenance.{action}"):
        raise Forbidden(_("You do not have permission to do this."))


def _checked(session, data: dict) -> dict:
    """The window's values, or ``ValidationFailed`` naming the first field at fault."""
    resource_id = data.get("resource_id")
    resource = session.get(Resource, resource_id) if resource_id is not None else None
    if resource is None:
        raise ValidationFailed(_("Choose the resource to take out of service."), field="resource_id")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    _instant(starts_at, "starts_at")
    _instant(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    quantity = data.get("quantity")
    if quantity is not None:
        if resource.stock <= 1 and quantity != 1:
            raise ValidationFailed(_("%(name)s is a single unit: leave the quantity empty.", name=resource.name),
                                   field="quantity")
        if not 1 <= quantity <= resource.stock:
            raise ValidationFailed(_("Between 1 and %(stock)d units of %(name)s can be out of service.",
                                     stock=resource.stock, name=resource.name), field="quantity")
    reason = (data.get("reason") or "").strip() or None
    if reason is not None and len(reason) > REASON_LENGTH:
        raise ValidationFailed(_("Keep the reason under %(n)d characters.", n=REASON_LENGTH), field="reason")
    return {"resource_id": resource.id, "resource": resource, "starts_at": starts_at, "ends_at": ends_at,
            "quantity": quantity, "reason": reason}


def _instant(value, field: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationFailed(_("Give a date and time."), field=field)
