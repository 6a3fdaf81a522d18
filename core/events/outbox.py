"""The durable outbox: side effects that must happen once the transaction committed.

A message is a row written in the same transaction as the change it follows,
so a crash or a down mail server loses nothing. After commit the message is
delivered inline (embedded default) or handed to an RQ worker (when Redis is
configured); failures are retried with exponential back-off and, after
``MAX_ATTEMPTS``, dead-lettered for an administrator to retry.
"""
from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

from sqlalchemy import JSON, Index, Integer, String, Text, event, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
PENDING_KEY = "huiwu.outbox_pending"


class OutboxMessage(Base):
    __tablename__ = "core_outbox"
    __table_args__ = (Index("ix_core_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What delivers it: ``event:<handler>``, ``notify.email``, ``notify.webhook``, ...
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def enqueue(session, target: str, payload: dict) -> OutboxMessage:
    """Write a message in the caller's transaction; it is delivered after commit."""
    message = OutboxMessage(target=target, payload=payload, status=PENDING,
                            attempts=0, next_attempt_at=utcnow())
    session.add(message)
    session.info.setdefault(PENDING_KEY, []).append(message)
    return message


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_BASE_SECONDS * (2 ** (attempts - 1)))


def deliver(kernel, message_id: int) -> str:
    """Deliver one message if it is due; return its status afterwards.

    The row is claimed by bumping its attempt counter in a conditional
    UPDATE, so two workers never deliver the same message at once.
    """
    now = utcnow()
    with kernel.system_session() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .values(attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=now + timedelta(minutes=10))
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if not claimed:
            msg = session.get(OutboxMessage, message_id)
            return msg.status if msg else "missing"
    with kernel.system_session() as session:
        msg = session.get(OutboxMessage, message_id)
        try:
            target = kernel.outbox_target(msg.target, session)
            if target is not None:
                target(session, msg.payload)
            msg.status, msg.delivered_at, msg.last_error = DELIVERED, utcnow(), None
            session.commit()
        except Exception as exc:  # any failure is retried; nothing is lost
            session.rollback()
            msg = session.get(OutboxMessage, message_id)
            msg.last_error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
            if msg.attempts >= MAX_ATTEMPTS:
                msg.status = DEAD
            else:
                msg.next_attempt_at = utcnow() + backoff(msg.attempts)
            session.commit()
            log.warning("outbox %s to %s failed (%s): %s", msg.id, msg.target, msg.attempts, exc)
        return msg.status


def due_ids(session, limit: int = 100) -> list[int]:
    return list(session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id).limit(limit)
    ).scalars())


def deliver_due(kernel, limit: int = 100) -> int:
    """Deliver what is due (retries, and messages whose inline delivery was lost)."""
    with kernel.system_session() as session:
        ids = due_ids(session, limit)
    for message_id in ids:
        deliver(kernel, message_id)
    return len(ids)


def retry(session, message_id: int) -> None:
    """Give a dead (or stuck) message a fresh set of attempts."""
    msg = session.get(OutboxMessage, message_id)
    if msg is not None and msg.status != DELIVERED:
        msg.status, msg.attempts, msg.next_attempt_at = PENDING, 0, utcnow()


def install(session_class, kernel) -> None:
    """After each commit, hand the messages it wrote to the dispatcher."""

    @event.listens_for(session_class, "after_commit")
    def _dispatch(session):
        pending = session.info.pop(PENDING_KEY, None)
        if pending:
            kernel.dispatch_outbox([m.id for m in pending])

    @event.listens_for(session_class, "after_rollback")
    def _forget(session):
        session.info.pop(PENDING_KEY, None)
