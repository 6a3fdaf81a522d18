"""Communication records and the customer's timeline.

Calls, e-mails, visits and minutes are written by people; service records by
project events (``handlers.py``); follow-up tasks by playbooks. All are rows
of ``crm_communication`` and show on one timeline, newest first.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db.types import utcnow
from core.errors import NotFound, ValidationFailed
from core.security.principal import current
from plugins.crm.models import Communication, Contact
from plugins.crm.models.choices import COMMUNICATION_KINDS

PERSON_KINDS = ("call", "email", "visit", "minutes")


def log_communication(session, customer_id: int, kind: str, subject: str, body: str | None = None,
                      contact_id: int | None = None, occurred_at: datetime | None = None,
                      direction: str | None = None, owner_id: int | None = None) -> Communication:
    """Record a call, e-mail, visit or minutes by the acting user (or ``owner_id``)."""
    if kind not in COMMUNICATION_KINDS:
        raise ValidationFailed(_("Unknown kind of record %(kind)s.", kind=kind), field="kind")
    if not (subject or "").strip():
        raise ValidationFailed(_("A record needs a subject."), field="subject")
    if direction not in (None, "in", "out"):
        raise ValidationFailed(_("Direction is in or out."), field="direction")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.customer_id != customer_id:
            raise ValidationFailed(_("The contact does not belong to this customer."), field="contact_id")
    record = Communication(customer_id=customer_id, kind=kind, subject=subject.strip()[:300], body=body,
                           contact_id=contact_id, occurred_at=occurred_at or utcnow(), direction=direction,
                           owner_id=owner_id or current(session).user_id)
    session.add(record)
    session.flush()
    return record


def timeline(session, customer_id: int, limit: int = 200) -> list[Communication]:
    return list(session.scalars(
        select(Communication).where(Communication.customer_id == customer_id)
        .options(selectinload(Communication.owner), selectinload(Communication.contact))
        .order_by(Communication.occurred_at.desc(), Communication.id.desc()).limit(limit)))


def mark_done(session, record_id: int) -> Communication:
    record = session.get(Communication, record_id)
    if record is None:
        raise NotFound(_("There is no such record, or you may not see it."))
    record.done_at = record.done_at or utcnow()
    return record
