"""Handing committed outbox messages to whoever delivers them.

With ``HUIWU_REDIS_URL`` set, each message becomes an RQ job on the queue
``huiwu`` that ``huiwu worker`` runs; otherwise it is delivered at once, in
the process that committed it. Either way a hand-over that fails (Redis
down, a crash) loses nothing: the message stays due in the table and the
next sweep delivers it.
"""
from __future__ import annotations

import logging

from core.events import outbox

log = logging.getLogger(__name__)

QUEUE_NAME = "huiwu"
JOB = "core.events.jobs.deliver_message"


def rq_queue(kernel):
    from rq import Queue

    return Queue(getattr(kernel, "queue_name", QUEUE_NAME), connection=kernel.redis)


def dispatch(kernel, message_ids: list[int]) -> None:
    """Called after commit; never raises, since the action it follows is already saved."""
    if kernel.settings.redis_url:
        try:
            queue = rq_queue(kernel)
            for message_id in message_ids:
                queue.enqueue(JOB, message_id, result_ttl=300, failure_ttl=86400)
        except Exception:
            log.exception("could not hand outbox messages %s to RQ; the worker's sweep will deliver them",
                          message_ids)
        return
    for message_id in message_ids:
        try:
            outbox.deliver(kernel, message_id)
        except Exception:
            log.exception("inline delivery of outbox message %s failed", message_id)
