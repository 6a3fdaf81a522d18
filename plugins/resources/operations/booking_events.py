"""Emitting the booking events of ``handlers.EVENTS`` with the payloads that contract promises.

All are emitted inside the caller's transaction: ``booking_requested`` and
``booking_changed`` before the booking is final, so an in-transaction
handler refusing it (a budget, say) undoes the whole action; the others
once the state change is made. Handlers wanting only committed facts
declare ``after_commit=True``.
"""
from __future__ import annotations

from core.events import emit
from plugins.resources.models import Booking


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def payload(booking: Booking) -> dict:
    resource = booking.resource
    return {"booking_id": booking.id, "code": booking.code, "project_id": booking.project_id,
            "resource_id": booking.resource_id, "resource_name": resource.name, "kind": resource.kind,
            "quantity": booking.quantity, "starts_at": _iso(booking.starts_at), "ends_at": _iso(booking.ends_at),
            "status": booking.status, "subtotal": str(booking.subtotal), "tax": str(booking.tax),
            "total": str(booking.total)}


def requested(session, booking: Booking) -> None:
    emit(session, "resources.booking_requested", **payload(booking))


def confirmed(session, booking: Booking) -> None:
    emit(session, "resources.booking_confirmed", **payload(booking), confirmed_at=_iso(booking.confirmed_at))


def cancelled(session, booking: Booking, old_status: str) -> None:
    emit(session, "resources.booking_cancelled", **payload(booking), old_status=old_status, reason=booking.reason)


def changed(session, booking: Booking, before: dict) -> None:
    emit(session, "resources.booking_changed", **payload(booking),
         old_starts_at=_iso(before["starts_at"]), old_ends_at=_iso(before["ends_at"]),
         old_quantity=before["quantity"], old_total=str(before["total"]),
         old_resource_id=before.get("resource_id", booking.resource_id))


def promoted(session, booking: Booking, owner_id: int | None) -> None:
    emit(session, "resources.booking_promoted", booking_id=booking.id, code=booking.code,
         project_id=booking.project_id, resource_id=booking.resource_id, owner_id=owner_id)
