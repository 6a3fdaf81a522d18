from __future__ import annotations

import time

from core.events import outbox


def run_worker(kernel, burst: bool = False, interval: float = 5.0, echo=print) -> None:
    while True:
        outbox.deliver_due(kernel)
        if burst:
            return
        time.sleep(interval)
