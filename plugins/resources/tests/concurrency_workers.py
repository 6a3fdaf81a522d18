"""Booking requests sent at the same instant, from threads of separate processes (importable by a spawned child).

Each child builds its own kernel on the test database, as another web worker
would; every thread opens its own session acting as the PM, waits at a
barrier shared by all threads of all processes, then sends one request.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from core.errors import Conflict
from core.kernel import Kernel
from core.security.principal import act_as, load_principal
from core.testing import make_settings
from plugins.resources.operations import booking as bookings


@dataclass(frozen=True)
class Outcome:
    """What one request got: ``ok`` with the booking's code, ``conflict`` with its message, or ``error``."""

    result: str
    text: str
    field: str | None
    started: float
    finished: float


def request_once(kernel, user_id: int, data: dict, barrier) -> Outcome:
    with kernel.session.session_factory() as session:
        act_as(session, load_principal(session, user_id))
        session.commit()
        barrier.wait(timeout=120)
        started = time.time()
        try:
            booking = bookings.request_booking(session, data)
            session.commit()
            return Outcome("ok", booking.code, None, started, time.time())
        except Conflict as exc:
            session.rollback()
            return Outcome("conflict", str(exc.message), exc.field, started, time.time())
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            session.rollback()
            return Outcome("error", f"{type(exc).__name__}: {exc}", None, started, time.time())


def request_in_threads(kernel, user_id: int, requests: list[dict], barrier) -> list[Outcome]:
    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(request_once, kernel, user_id, data, barrier) for data in requests]
        return [f.result(timeout=300) for f in futures]


def request_from_child(database_url, instance_path, user_id, requests, barrier, results) -> None:
    """The body of one child process: its own kernel, one thread per request."""
    now = time.time()
    try:
        kernel = Kernel(make_settings(database_url, instance_path))
    except BaseException as exc:  # noqa: BLE001 - a child must always answer, or the test waits
        barrier.abort()
        results.put([Outcome("error", f"{type(exc).__name__}: {exc}", None, now, now)])
        return
    try:
        results.put(request_in_threads(kernel, user_id, requests, barrier))
    except BaseException as exc:  # noqa: BLE001
        results.put([Outcome("error", f"{type(exc).__name__}: {exc}", None, now, time.time())])
    finally:
        kernel.dispose()
