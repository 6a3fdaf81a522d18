"""``huiwu worker``: delivers the outbox and runs scheduled jobs until stopped.

With Redis (``HUIWU_REDIS_URL``) it is an RQ worker on the queue ``huiwu``,
running the delivery jobs committed transactions hand over, while a thread
sweeps every ``interval`` seconds: due retries, messages whose hand-over
was lost, and scheduled jobs. Without Redis the sweep is all there is.
``--burst`` does one pass and exits. Any number of workers may run: each
message and each job run is claimed in the database first.
"""
from __future__ import annotations

import logging
import threading
import time

from core.db.session import ConfigError
from core.events import dispatch, outbox
from core.services import scheduler

log = logging.getLogger(__name__)


def sweep(kernel) -> dict[str, int]:
    """One pass: deliver what is due, purge old delivered messages, run due jobs."""
    handled = 0
    while True:  # drain in batches, so a backlog does not wait for the next interval
        batch = outbox.deliver_due(kernel)
        handled += batch
        if batch < 100:
            break
    return {"outbox": handled, "purged": outbox.purge_delivered(kernel),
            "jobs": scheduler.run_due_jobs(kernel) or 0}


def _sweep_logged(kernel) -> dict[str, int] | None:
    try:
        return sweep(kernel)
    except Exception:  # the worker keeps going; the next pass tries again
        log.exception("worker sweep failed")
        return None


def run_worker(kernel, burst: bool = False, interval: float = 5.0, echo=print) -> None:
    if kernel.settings.redis_url:
        _run_with_rq(kernel, burst, interval, echo)
        return
    if not burst:
        echo(f"huiwu worker: no Redis configured; sweeping the outbox and jobs every {interval:g} s")
    while True:
        done = _sweep_logged(kernel)
        if burst:
            echo(f"huiwu worker: {_summary(done)}")
            return
        time.sleep(interval)


def _run_with_rq(kernel, burst: bool, interval: float, echo) -> None:
    from rq import SimpleWorker

    try:
        kernel.redis.ping()
    except Exception as exc:  # noqa: BLE001 - told in one line, whatever the cause
        raise ConfigError(f"cannot reach Redis at HUIWU_REDIS_URL ({exc}); "
                          "check the address and that the server is running") from None
    queue = dispatch.rq_queue(kernel)
    worker = SimpleWorker([queue], connection=kernel.redis)
    if burst:
        worker.work(burst=True)
        echo(f"huiwu worker: queue {queue.name} drained; {_summary(_sweep_logged(kernel))}")
        return
    echo(f"huiwu worker: RQ queue {queue.name}; sweeping the outbox and jobs every {interval:g} s")
    stop = threading.Event()
    thread = threading.Thread(target=_sweep_until, args=(kernel, interval, stop),
                              name="huiwu-sweep", daemon=True)
    thread.start()
    try:
        worker.work()
    finally:
        stop.set()


def _sweep_until(kernel, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        _sweep_logged(kernel)
        stop.wait(interval)


def start_background_sweeper(kernel, interval: float = 15.0) -> threading.Thread | None:
    """Embedded default (``huiwu run`` without Redis): retry due outbox messages in a thread."""
    if kernel.settings.redis_url:
        return None  # `huiwu worker` sweeps
    stop = threading.Event()

    def loop():
        while not stop.wait(interval):
            try:
                outbox.deliver_due(kernel)
            except Exception:
                log.exception("outbox sweep failed")

    thread = threading.Thread(target=loop, name="huiwu-outbox", daemon=True)
    thread.stop = stop
    thread.start()
    return thread


def _summary(done: dict[str, int] | None) -> str:
    if done is None:
        return "the sweep failed (see the log)"
    return (f"{done['outbox']} outbox message(s) handled, {done['purged']} old ones purged, "
            f"{done['jobs']} job(s) run")
