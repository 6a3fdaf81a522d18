"""The events the resources plugin emits (its contract with other plugins), and what it listens to.

It listens to itself once: a cancelled, rejected or lapsed booking reopens the need it served.

Payloads (ids are ours; ``project_id`` is the project plugin's; instants are ISO
text in UTC; money is decimal text)::

    resources.booking_requested   booking_id, code, project_id, resource_id, resource_name, kind, quantity,
                                  starts_at, ends_at, status, subtotal, tax, total
        (in the transaction: a handler may refuse the booking by raising a DomainError —
        budget control, once finance exists)
    resources.booking_confirmed   the same, with confirmed_at
    resources.booking_cancelled   the same, with old_status, reason
    resources.booking_changed     the same (as it is now), with old_starts_at, old_ends_at, old_quantity,
                                  old_total, old_resource_id (a pending booking moved by an allocation)
                                  (in the transaction: a handler may refuse the change)
    resources.booking_promoted    booking_id, code, project_id, resource_id, owner_id (a waiting booking
                                  moved up to first option)

It listens to ``project.change_approved``: the project's bookings follow a
new time or venue (``follow_project_change``); and to its own confirmations
and changes, after commit, to make the booking's contract
(``operations.contracts``): rendering a PDF has no place in the transaction
that holds the resources locked.
"""
from __future__ import annotations

from core.events import EventType, Handler
from plugins.resources.operations import contracts, follow_notice, following
from plugins.resources.operations.needs import reopen_for

_FIELDS = ("booking_id", "code", "project_id", "resource_id", "resource_name", "kind", "quantity", "starts_at",
           "ends_at", "status", "subtotal", "tax", "total")

EVENTS = [
    EventType("resources.booking_requested", "A booking was requested (in the transaction: may be refused).",
              _FIELDS),
    EventType("resources.booking_confirmed", "A booking was confirmed.", (*_FIELDS, "confirmed_at")),
    EventType("resources.booking_cancelled", "A booking was cancelled, rejected or lapsed.",
              (*_FIELDS, "old_status", "reason")),
    EventType("resources.booking_changed", "An active booking's window or quantity changed (in the transaction: "
              "may be refused).", (*_FIELDS, "old_starts_at", "old_ends_at", "old_quantity", "old_total",
                                         "old_resource_id")),
    EventType("resources.booking_promoted", "A waiting booking became the first option on its slot.",
              ("booking_id", "code", "project_id", "resource_id", "owner_id")),
]



def follow_project_change(session, payload: dict) -> None:
    """A project's time or venue changed: move its bookings where they fit, flag the rest, tell the PM.

    After commit, through the outbox, rather than inside the approval's
    transaction, because:

    - the approval is a decision already taken; a booking that cannot follow
      is something to flag, never a reason to refuse the change (an
      in-transaction handler's only power over the approval is a veto);
    - moving a confirmed booking renders a new contract PDF per booking and
      locks resource rows: work that has no place in the approver's request;
    - it runs as the system, whatever booking permissions the approver lacks;
    - the outbox retries it if it fails, and a disabled resources module
      gets no message at all.

    The price is a moment in which the project has its new dates and its
    bookings their old ones; the approver saw beforehand what would move
    (``huiwu_project_change_impact``). Delivered twice, it does nothing the
    second time: each booking remembers the change it followed.
    """
    followed = following.follow(session, payload)
    if followed:
        follow_notice.tell(session, followed)


HANDLERS = [
    Handler("project.change_approved", follow_project_change, after_commit=True,
            name="resources.follow_project_change"),
    # A need whose booking ended is open to allocate again (in the transaction that ended it).
    Handler("resources.booking_cancelled", reopen_for, name="resources.reopen_need"),
    Handler("resources.booking_confirmed", contracts.on_booking_confirmed, after_commit=True,
            name="resources.contract_on_confirmed"),
    Handler("resources.booking_changed", contracts.on_booking_changed, after_commit=True,
            name="resources.contract_on_changed"),
]
