"""What CRM does when other plugins tell it something happened.

CRM depends on no other plugin; it listens. All handlers run after commit
(through the outbox, as the system): a service record is a consequence of a
confirmed project, never a reason to refuse one. Each is idempotent, since
the outbox may deliver a message again after a crash. An event about a
customer CRM does not know is ignored.

The payloads expected (ids are the emitters'; ``customer_id`` is CRM's)::

    project.confirmed       project_id, customer_id, code, title, start_date (ISO date),
                            end_date?, city?, attendees?, amount? (decimal string),
                            confirmed_at? (ISO instant)
    project.status_changed  project_id, customer_id, code, title, old_status, new_status,
                            changed_at? (ISO instant)
    project.completed       project_id, customer_id, code, title, completed_at? (ISO instant),
                            start_date?, end_date?, amount?
    finance.invoice_paid    invoice_id, customer_id, amount (decimal string), paid_at (ISO instant),
                            project_id?, number?

Effects: the meeting history row per project (``crm_meeting``), a service
record on the timeline, the customer's figures and tag rules refreshed; on
completion a follow-up task "ask for feedback" for the account manager; on
payment the customer's spend.
"""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db.types import utcnow
from core.events import EventType, Handler
from plugins.crm.models import Communication, Customer, Meeting
from plugins.crm.operations import history

log = logging.getLogger(__name__)

EVENT_LABELS = {
    "project.confirmed": _l("Meeting confirmed"),
    "project.status_changed": _l("Meeting status changed"),
    "project.completed": _l("Meeting completed"),
}
#: What a follow-up task written from an event asks for (shown in the reader's language).
FOLLOW_UP_LABELS = {"project.completed": _l("Ask the customer for feedback on this meeting")}

EVENTS = [
    EventType("crm.customer_created", "A customer was created (admin, API or import).",
              ("customer_id", "name", "account_manager_id")),
    EventType("crm.segments_recomputed", "The RFM segments were recomputed.", ("run_id", "scored", "moved")),
]


def _instant(value) -> datetime:
    if not value:
        return utcnow()
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _meeting(session, payload: dict) -> Meeting | None:
    """The meeting row of the payload's project, created on first sight."""
    customer_id = payload.get("customer_id")
    if session.get(Customer, customer_id) is None:
        log.info("event for unknown customer %s ignored", customer_id)
        return None
    meeting = session.scalar(select(Meeting).where(Meeting.project_id == payload["project_id"]))
    if meeting is None:
        meeting = Meeting(project_id=payload["project_id"], customer_id=customer_id,
                          title=payload.get("title") or str(payload["project_id"]), status="confirmed")
        session.add(meeting)
    meeting.customer_id = customer_id
    for key in ("code", "title", "city", "attendees"):
        if payload.get(key) is not None:
            setattr(meeting, key, payload[key])
    for key in ("start_date", "end_date"):
        if payload.get(key):
            setattr(meeting, key, _day(payload[key]))
    if payload.get("amount") is not None:
        meeting.amount = Decimal(str(payload["amount"]))
    return meeting


def _service_record(session, meeting: Meeting, event: str, at: datetime, body: str | None = None,
                    kind: str = "service") -> None:
    """One timeline entry per (meeting, event, moment): a replayed message adds nothing."""
    seen = session.scalar(select(Communication.id).where(
        Communication.meeting_id == meeting.id, Communication.event == event, Communication.kind == kind,
        Communication.occurred_at == at))
    if seen is None:
        customer = session.get(Customer, meeting.customer_id)
        session.add(Communication(customer_id=meeting.customer_id, meeting_id=meeting.id, kind=kind,
                                  event=event, subject=str(meeting)[:300], body=body, occurred_at=at,
                                  owner_id=customer.account_manager_id,
                                  due_at=at if kind == "follow_up" else None))


def on_project_confirmed(session, payload: dict) -> None:
    meeting = _meeting(session, payload)
    if meeting is None:
        return
    meeting.confirmed_at = _instant(payload.get("confirmed_at"))
    meeting.status = "confirmed" if meeting.status in (None, "cancelled") else meeting.status
    session.flush()
    _service_record(session, meeting, "project.confirmed", meeting.confirmed_at)
    history.refresh_stats(session, meeting.customer_id)


def on_project_status_changed(session, payload: dict) -> None:
    meeting = _meeting(session, payload)
    if meeting is None:
        return
    meeting.status = str(payload.get("new_status") or meeting.status)[:30]
    session.flush()
    body = f"{payload.get('old_status') or ''} → {payload.get('new_status') or ''}"
    _service_record(session, meeting, "project.status_changed", _instant(payload.get("changed_at")), body)
    history.refresh_stats(session, meeting.customer_id)


def on_project_completed(session, payload: dict) -> None:
    meeting = _meeting(session, payload)
    if meeting is None:
        return
    meeting.status = "completed"
    meeting.completed_at = _instant(payload.get("completed_at"))
    session.flush()
    _service_record(session, meeting, "project.completed", meeting.completed_at)
    _service_record(session, meeting, "project.completed", meeting.completed_at, kind="follow_up")
    history.refresh_stats(session, meeting.customer_id)


def on_invoice_paid(session, payload: dict) -> None:
    if session.get(Customer, payload.get("customer_id")) is None:
        log.info("payment for unknown customer %s ignored", payload.get("customer_id"))
        return
    history.record_spend(session, payload["customer_id"], Decimal(str(payload["amount"])),
                         _instant(payload.get("paid_at")), f"invoice:{payload['invoice_id']}",
                         payload.get("project_id"))


HANDLERS = [
    Handler("project.confirmed", on_project_confirmed, after_commit=True, name="crm.on_project_confirmed"),
    Handler("project.status_changed", on_project_status_changed, after_commit=True,
            name="crm.on_project_status_changed"),
    Handler("project.completed", on_project_completed, after_commit=True, name="crm.on_project_completed"),
    Handler("finance.invoice_paid", on_invoice_paid, after_commit=True, name="crm.on_invoice_paid"),
]
