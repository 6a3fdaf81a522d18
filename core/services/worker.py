"""``huiwu worker``: delivers the outbox and runs scheduled jobs until stopped."""
from __future__ import annotations

import time

from core.events import outbox
from core.services import scheduler


def run_worker(kernel, burst: bool = False, interval: float = 5.0, echo=print) -> None:
    while True:
        outbox.deliver_due(kernel)
        scheduler.run_due_jobs(kernel)
        if burst:
            return
        time.sleep(interval)
