"""Each user's in-app inbox: filled from the outbox, read in the admin.

Who sees which message is decided by a kernel record rule, the same
mechanism plugins use, so every query (list, count, get-by-id, export)
shows a user only their own messages.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from core.db.types import utcnow
from core.notify.models import InboxMessage
from core.security.models import User
from core.security.principal import current
from core.security.record_rules import RecordRule

TARGET = "notify.inbox"

OWN_MESSAGES_ONLY = RecordRule(
    InboxMessage, lambda principal: InboxMessage.user_id == principal.user_id,
    title=_l("Each user sees only their own inbox"),
)


def deliver(session, payload: dict) -> None:
    """Outbox target: one inbox row per (still existing) recipient."""
    existing = session.execute(
        select(User.id).where(User.id.in_(payload["user_ids"])).execution_options(huiwu_system=True)
    ).scalars()
    for user_id in sorted(existing):
        session.add(InboxMessage(user_id=user_id, title=payload["title"][:200],
                                 body=payload.get("body") or "", link=payload.get("link")))


def unread_count(session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(InboxMessage)
        .where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
    ) or 0


def mark_read(session, message_ids=None) -> int:
    """Mark the acting user's messages read (all unread ones when no ids are given)."""
    user_id = current(session).user_id
    stmt = (update(InboxMessage)
            .where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False))
    if message_ids is not None:
        stmt = stmt.where(InboxMessage.id.in_([int(i) for i in message_ids]))
    return session.execute(stmt).rowcount
