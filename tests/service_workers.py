"""Work done in separate processes by the concurrency tests (importable by a spawned child).

Each child builds its own kernel on the test database, as a second
``huiwu worker`` or web worker would, waits at a barrier so all start
together, then does its share.
"""
from __future__ import annotations

import time
from datetime import datetime

from core.kernel import Kernel
from core.services import scheduler, sequences
from core.services.scheduler import Job
from core.testing import make_settings

TICKS = "core.test_ticks"


def tick(session) -> str:
    """A job that counts its runs (in a sequence) and takes long enough for runners to overlap."""
    time.sleep(0.3)
    n = sequences.take(session, TICKS, "", gapless=True)
    return f"tick {n}"


TICK_JOB = Job("core.test_tick", "0 * * * *", tick, "tick", lease_seconds=60)


def child_kernel(database_url: str, instance_path: str) -> Kernel:
    return Kernel(make_settings(database_url, instance_path))


def take_numbers(database_url, instance_path, code, count, gapless, barrier, results) -> None:
    kernel = child_kernel(database_url, instance_path)
    barrier.wait(timeout=60)
    taken = []
    for _ in range(count):
        with kernel.system_session() as session:
            taken.append(sequences.next_number(session, code, "{n}", period="none", gapless=gapless))
            session.commit()
    kernel.dispose()
    results.put(taken)


def run_jobs(database_url, instance_path, now_iso, barrier, results) -> None:
    kernel = child_kernel(database_url, instance_path)
    kernel.jobs[TICK_JOB.name] = TICK_JOB
    barrier.wait(timeout=60)
    ran = scheduler.run_due_jobs(kernel, now=datetime.fromisoformat(now_iso))
    kernel.dispose()
    results.put(ran)
