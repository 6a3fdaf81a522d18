"""Keeping the occupancy rows true when a resource's footprint changes.

A booking's occupancy rows are written from the resource as it was then:
its set-up and tear-down buffers widen the window, its parts say which rows
are written, its stock says whether they are exclusive. Lengthen a hall's
tear-down, open it into a combined hall or lower a stock afterwards, and the
rows of bookings still to come would no longer say what the hall really
takes — the database would then let through a booking that clashes. So a
change to any of these rewrites the rows of every active booking and
maintenance window of the resource that has not ended yet, through the one
rule in ``occupancy``, and a change that would make two of them clash is
refused, naming the booking, before anything is stored.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from core.db.types import utcnow
from core.errors import Conflict
from plugins.resources.models import Booking, Maintenance, Occupancy, Resource
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations import occupancy

#: The attributes whose change moves what a booking of the resource occupies, by the field a user edits.
FIELDS = ("setup_minutes", "teardown_minutes", "stock", "part_ids")


def snapshot(resource: Resource) -> tuple:
    """The footprint of ``resource`` now, to compare with after a change (``FIELDS`` in order)."""
    return (resource.setup_minutes or 0, resource.teardown_minutes or 0, resource.stock,
            tuple(sorted(p.id for p in resource.parts)))


def changed(before: tuple, resource: Resource) -> str | None:
    """The first field of the footprint that differs from ``before``, or None."""
    for name, old, new in zip(FIELDS, before, snapshot(resource), strict=True):
        if old != new:
            return name
    return None


def rewrite(session, resource: Resource, field: str) -> int:
    """Write again what the coming bookings and maintenance of ``resource`` occupy; returns how many.

    The caller has changed ``resource`` and not committed; a clash raises
    ``Conflict`` on ``field`` (the attribute the user changed), and the
    caller's rollback leaves every row as it was.
    """
    session.flush()
    occupancy.lock_group(session, [resource.id])
    now = utcnow()
    bookings = list(session.scalars(
        select(Booking).where(Booking.resource_id == resource.id, Booking.status.in_(ACTIVE_STATUSES),
                              Booking.ends_at > now)
        .order_by(Booking.starts_at, Booking.id).execution_options(huiwu_system=True)))
    windows = list(session.scalars(
        select(Maintenance).where(Maintenance.resource_id == resource.id, Maintenance.ends_at > now)
        .order_by(Maintenance.starts_at, Maintenance.id).execution_options(huiwu_system=True)))
    if not bookings and not windows:
        return 0
    session.execute(delete(Occupancy).where(or_(
        Occupancy.booking_id.in_([b.id for b in bookings] or [0]),
        Occupancy.maintenance_id.in_([w.id for w in windows] or [0]))).execution_options(synchronize_session=False))
    for window in windows:
        _again(session, field, _("maintenance"), occupancy.occupy_maintenance, window)
    for booking in bookings:
        _again(session, field, booking.code, occupancy.occupy_booking, booking)
    return len(bookings) + len(windows)


def _again(session, field: str, name: str, occupy, owner) -> None:
    try:
        occupy(session, owner)
    except Conflict as clash:
        raise Conflict(_("After this change %(name)s would clash: %(reason)s Move or cancel it first.",
                         name=name, reason=clash.message), field=field) from None


def keep_true(session, resource: Resource, before: tuple) -> int:
    """``rewrite`` when the footprint differs from ``before`` (a ``snapshot`` taken before the change)."""
    field = changed(before, resource)
    return 0 if field is None else rewrite(session, resource, field)
