"""The events the resources plugin emits (its contract with other plugins), and what it listens to.

Payloads (ids are ours; ``project_id`` is the project plugin's; instants are ISO
text in UTC; money is decimal text)::

    resources.booking_requested   booking_id, code, project_id, resource_id, resource_name, kind, quantity,
                                  starts_at, ends_at, status, subtotal, tax, total
        (in the transaction: a handler may refuse the booking by raising a DomainError —
        budget control, once finance exists)
    resources.booking_confirmed   the same, with confirmed_at
    resources.booking_cancelled   the same, with old_status, reason
    resources.booking_changed     the same (as it is now), with old_starts_at, old_ends_at, old_quantity,
                                  old_total (in the transaction: a handler may refuse the change)
    resources.booking_promoted    booking_id, code, project_id, resource_id, owner_id (a waiting booking
                                  moved up to first option)

It listens to its own confirmations and changes, after commit, to make the
booking's contract (``operations.contracts``): rendering a PDF has no place
in the transaction that holds the resources locked.
"""
from __future__ import annotations

from core.events import EventType, Handler
from plugins.resources.operations import contracts

_FIELDS = ("booking_id", "code", "project_id", "resource_id", "resource_name", "kind", "quantity", "starts_at",
           "ends_at", "status", "subtotal", "tax", "total")

EVENTS = [
    EventType("resources.booking_requested", "A booking was requested (in the transaction: may be refused).",
              _FIELDS),
    EventType("resources.booking_confirmed", "A booking was confirmed.", (*_FIELDS, "confirmed_at")),
    EventType("resources.booking_cancelled", "A booking was cancelled, rejected or lapsed.",
              (*_FIELDS, "old_status", "reason")),
    EventType("resources.booking_changed", "An active booking's window or quantity changed (in the transaction: "
              "may be refused).", (*_FIELDS, "old_starts_at", "old_ends_at", "old_quantity", "old_total")),
    EventType("resources.booking_promoted", "A waiting booking became the first option on its slot.",
              ("booking_id", "code", "project_id", "resource_id", "owner_id")),
]

HANDLERS = [
    Handler("resources.booking_confirmed", contracts.on_booking_confirmed, after_commit=True,
            name="resources.contract_on_confirmed"),
    Handler("resources.booking_changed", contracts.on_booking_changed, after_commit=True,
            name="resources.contract_on_changed"),
]
