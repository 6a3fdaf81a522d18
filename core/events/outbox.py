"""The durable outbox: side effects that must happen once the transaction committed.

A message is a row written in the same transaction as the change it follows,
so a crash or a down mail server loses nothing, and a rolled-back action
sends nothing. After commit the message is delivered inline (embedded
default) or handed to an RQ worker (when Redis is configured); failures are
retried with exponential back-off and, after ``MAX_ATTEMPTS``, dead-lettered
for an administrator to retry. ``huiwu worker`` (or the ``huiwu run``
process) sweeps what is due, so a message whose hand-over was lost is
delivered all the same.

A target is a function ``func(session, payload)`` registered with
``kernel.add_outbox_target`` (or an after-commit event handler). It runs in
a system session that is committed after it returns; raising ``Skipped``
marks the message as deliberately not delivered, any other exception is a
failure to retry.
"""
from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Index,
    Integer,
    String,
    Text,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

#: Attempts before a message is dead-lettered (back-off 30 s, 1, 2, 4, ... min: about an hour in all).
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX = timedelta(hours=1)
#: How long a claimed message is reserved for the worker delivering it (then it is due again).
LEASE = timedelta(minutes=10)
#: Delivered messages older than this are purged by the worker's sweep.
KEEP_DELIVERED = timedelta(days=30)

PENDING, DELIVERED, DEAD, SKIPPED = "pending", "delivered", "dead", "skipped"
STATUSES = (PENDING, DELIVERED, DEAD, SKIPPED)
PENDING_KEY = "huiwu.outbox_pending"


class Skipped(Exception):
    """Raised by a target that decides not to deliver (module off, webhook removed)."""


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

    def __str__(self) -> str:
        return f"#{self.id} {self.target}"


# -- writing -------------------------------------------------------------------

def enqueue(session, target: str, payload: dict) -> OutboxMessage:
    """Write a message in the caller's transaction; it is delivered after commit."""
    message = OutboxMessage(target=target, payload=payload, status=PENDING,
                            attempts=0, next_attempt_at=utcnow())
    session.add(message)
    session.info.setdefault(PENDING_KEY, []).append(message)
    return message


def retry(session, message_ids) -> int:
    """Give dead, skipped (or stuck) messages a fresh set of attempts, delivered after commit."""
    retried = 0
    for message_id in message_ids:
        msg = session.get(OutboxMessage, int(message_id))
        if msg is None or msg.status == DELIVERED:
            continue
        msg.status, msg.attempts, msg.next_attempt_at = PENDING, 0, utcnow()
        session.info.setdefault(PENDING_KEY, []).append(msg)
        retried += 1
    return retried


def install(session_class, kernel) -> None:
    """After each commit, hand the messages it wrote to the dispatcher.

    SQLAlchemy fires these events for a savepoint too (``begin_nested``):
    releasing one commits nothing yet (a worker would not see the rows, and
    on SQLite would wait on this very transaction), and rolling one back
    keeps what was written before it. Only the outermost transaction counts;
    a message rolled back with a savepoint is found missing when dispatched,
    and skipped.
    """

    @event.listens_for(session_class, "after_commit")
    def _dispatch(session):
        if session.in_nested_transaction():
            return
        pending = session.info.pop(PENDING_KEY, None)
        ids = [m.id for m in pending or () if m.id is not None]
        if ids:
            kernel.dispatch_outbox(ids)

    @event.listens_for(session_class, "after_rollback")
    def _forget(session):
        if session.in_nested_transaction():
            return
        session.info.pop(PENDING_KEY, None)


# -- delivering ------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s, 60 s, 2 min, ... capped at an hour."""
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS * (2 ** (attempts - 1))), BACKOFF_MAX)


def _claim(kernel, message_id: int, now) -> str | None:
    """Reserve the message for this worker; None when claimed, else its status.

    The claim is a conditional UPDATE that bumps the attempt counter, so two
    workers never deliver the same message at once, and a worker that dies
    mid-delivery leaves a message that is due again once the lease ran out.
    """
    with kernel.system_session() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if claimed:
            return None
        status = session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id))
        return status or "missing"


def deliver(kernel, message_id: int, now: datetime | None = None) -> str:
    """Deliver one message if it is due; return its status afterwards.

    ``now`` is the moment to judge "due" and to schedule a retry from
    (tests pass a later one instead of waiting).
    """
    now = now or utcnow()
    status = _claim(kernel, message_id, now)
    if status is not None:
        return status
    with kernel.system_session() as session:
        msg = session.get(OutboxMessage, message_id)
        target, payload = msg.target, msg.payload
        try:
            deliver_to = kernel.outbox_target(target, session)
            if deliver_to is None:
                raise Skipped("the module of this target is disabled")
            deliver_to(session, payload)
            msg.status, msg.delivered_at, msg.last_error = DELIVERED, utcnow(), None
            session.commit()
        except Skipped as exc:
            session.rollback()
            _settle(session, message_id, SKIPPED, str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure is retried; nothing is lost
            session.rollback()
            error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
            msg = _settle(session, message_id, None, error, now)
            log.warning("outbox %s to %s failed (attempt %s): %s", message_id, target, msg.attempts, error)
        return session.get(OutboxMessage, message_id).status


def _settle(session, message_id: int, status: str | None, error: str, now=None) -> OutboxMessage:
    msg = session.get(OutboxMessage, message_id)
    msg.last_error = error
    if status is not None:
        msg.status = status
    elif msg.attempts >= MAX_ATTEMPTS:
        msg.status = DEAD
    else:
        msg.next_attempt_at = (now or utcnow()) + backoff(msg.attempts)
    session.commit()
    return msg


def due_ids(session, limit: int = 100, now: datetime | None = None) -> list[int]:
    return list(session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= (now or utcnow()))
        .order_by(OutboxMessage.id).limit(limit)
    ).scalars())


def deliver_due(kernel, limit: int = 100, now: datetime | None = None) -> int:
    """Deliver what is due (retries, and messages whose hand-over was lost); return how many."""
    with kernel.system_session() as session:
        ids = due_ids(session, limit, now)
    for message_id in ids:
        deliver(kernel, message_id, now)
    return len(ids)


def purge_delivered(kernel, older_than: timedelta = KEEP_DELIVERED) -> int:
    with kernel.system_session() as session:
        gone = session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.status == DELIVERED, OutboxMessage.delivered_at < utcnow() - older_than)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    return gone


def counts_by_status(session) -> dict[str, int]:
    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    found = dict(rows.all())
    return {status: found.get(status, 0) for status in STATUSES}
