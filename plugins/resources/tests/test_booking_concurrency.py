"""Many simultaneous requests for the same slots: exactly the feasible number win, and the database agrees.

On PostgreSQL the requests come from 4 processes × 13 threads (52 at once),
each process with its own kernel, as web workers would send them. On SQLite
(writes serialised by the file lock) the same runs with threads of one
process. Afterwards a query over ``resources_occupancy`` itself finds no two
overlapping exclusive rows of one part and no instant above a part's stock.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from plugins.resources.models import Layout
from plugins.resources.tests.concurrency_workers import request_from_child, request_in_threads
from plugins.resources.tests.conftest import T0, H

PROCESSES, THREADS = 4, 13
#: Slots far enough apart that their buffered windows never touch.
SLOT_GAP = 12 * H

OVERLAPPING_EXCLUSIVE = """
    SELECT count(*) FROM resources_occupancy a JOIN resources_occupancy b
      ON a.part_id = b.part_id AND a.id < b.id AND a.exclusive AND b.exclusive
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"""
# The most in use at once is reached at some row's start: sum what covers each start.
ABOVE_STOCK = """
    SELECT count(*) FROM (
      SELECT a.id FROM resources_occupancy a
        JOIN resources_occupancy b ON b.part_id = a.part_id AND b.starts_at <= a.starts_at
                                  AND a.starts_at < b.ends_at
        JOIN resources_resource r ON r.id = a.part_id
       GROUP BY a.id, r.stock HAVING sum(b.quantity) > r.stock) AS over"""


def database_agrees(db) -> tuple[int, int]:
    counts = (db.scalar(text(OVERLAPPING_EXCLUSIVE)), db.scalar(text(ABOVE_STOCK)))
    db.commit()
    return counts


def slot_requests(project_id, resource_id, slots: int, count: int, **more) -> list[dict]:
    """``count`` requests over ``slots`` disjoint slots; within a slot every window overlaps every other."""
    requests = []
    for i in range(count):
        start = T0 + (i % slots) * SLOT_GAP + (i % 3) * timedelta(minutes=30)
        requests.append({"project_id": project_id, "resource_id": resource_id, "starts_at": start,
                         "ends_at": start + 5 * H, **more})
    return requests


def from_processes(database_url, instance_path, user_id, requests) -> tuple[list, float]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(requests)), ctx.Queue()
    shares = [requests[i::PROCESSES] for i in range(PROCESSES)]
    began = time.time()
    children = [ctx.Process(target=request_from_child,
                            args=(database_url, str(instance_path), user_id, share, barrier, results))
                for share in shares]
    for child in children:
        child.start()
    outcomes = [o for _ in children for o in results.get(timeout=300)]
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    return outcomes, time.time() - began


def from_threads(kernel, user_id, requests) -> tuple[list, float]:
    began = time.time()
    return request_in_threads(kernel, user_id, requests, threading.Barrier(len(requests))), time.time() - began


def report(label, outcomes, total_seconds) -> None:
    burst = max(o.finished for o in outcomes) - min(o.started for o in outcomes)
    print(f"\n{label}: {len(outcomes)} requests, {sum(o.result == 'ok' for o in outcomes)} won; "
          f"requests done in {burst:.2f} s (slowest {max(o.finished - o.started for o in outcomes):.2f} s), "
          f"{total_seconds:.1f} s with start-up")


def check_hall(outcomes, slots):
    assert [o.text for o in outcomes if o.result == "error"] == []
    winners = [o.text for o in outcomes if o.result == "ok"]
    assert len(winners) == slots
    losers = [o for o in outcomes if o.result == "conflict"]
    assert len(losers) == len(outcomes) - slots
    assert all(o.field == "starts_at" and any(code in o.text for code in winners) for o in losers)


def check_stock(outcomes, stock):
    assert [o.text for o in outcomes if o.result == "error"] == []
    winners = [o.text for o in outcomes if o.result == "ok"]
    assert len(winners) == stock
    losers = [o for o in outcomes if o.result == "conflict"]
    assert len(losers) == len(outcomes) - stock
    assert all(o.field == "quantity" and any(code in o.text for code in winners) for o in losers)


@pytest.fixture
def postgresql(kernel):
    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("separate processes need a database server; SQLite runs the threaded variant")


@pytest.fixture
def arena(pm, project_for, make_resource):
    """A PM's project, an exclusive hall with buffers and ten projectors."""
    hall = make_resource("国际会议厅", setup_minutes=60, teardown_minutes=30,
                         layouts=[Layout(layout="theatre", capacity=500)])
    projectors = make_resource("激光投影仪", kind="equipment", stock=10, unit_label="台",
                               unit_price=Decimal("800.00"), pricing_unit="unit_day")
    return pm.id, project_for(pm), hall.id, projectors.id


@pytest.mark.postgres_only
@pytest.mark.parametrize("slots", [1, 4], ids=["one-slot", "four-slots"])
def test_52_requests_from_4_processes_for_one_hall(db, postgresql, database_url, instance_path, arena, slots):
    user_id, project_id, hall_id, _ = arena
    requests = slot_requests(project_id, hall_id, slots, PROCESSES * THREADS)
    outcomes, seconds = from_processes(database_url, instance_path, user_id, requests)
    report(f"hall, {slots} slot(s), {PROCESSES} processes × {THREADS} threads", outcomes, seconds)
    check_hall(outcomes, slots)
    assert database_agrees(db) == (0, 0)


@pytest.mark.postgres_only
def test_52_requests_from_4_processes_for_ten_projectors(db, postgresql, database_url, instance_path, arena):
    user_id, project_id, _, projectors_id = arena
    requests = slot_requests(project_id, projectors_id, 1, PROCESSES * THREADS, quantity=1)
    outcomes, seconds = from_processes(database_url, instance_path, user_id, requests)
    report(f"projectors, stock 10, {PROCESSES} processes × {THREADS} threads", outcomes, seconds)
    check_stock(outcomes, 10)
    assert database_agrees(db) == (0, 0)


def test_simultaneous_requests_from_threads_for_a_hall_and_for_projectors(db, kernel, arena):
    """One process, ``THREADS`` threads: within the pool (5 + 10), as each request on PostgreSQL also
    borrows a second connection for a moment, to take its number."""
    user_id, project_id, hall_id, projectors_id = arena
    outcomes, seconds = from_threads(kernel, user_id, slot_requests(project_id, hall_id, 2, THREADS))
    report(f"hall, 2 slots, {THREADS} threads ({kernel.engine.dialect.name})", outcomes, seconds)
    check_hall(outcomes, 2)
    outcomes, seconds = from_threads(kernel, user_id, slot_requests(project_id, projectors_id, 1, THREADS,
                                                                    quantity=1))
    report(f"projectors, stock 10, {THREADS} threads ({kernel.engine.dialect.name})", outcomes, seconds)
    check_stock(outcomes, 10)
    assert database_agrees(db) == (0, 0)
