"""Sequences under concurrent use: threads and processes never receive the same number."""
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.services.sequences import next_number
from tests.service_workers import take_numbers

THREADS, PER_THREAD = 8, 50


def _take_in_threads(kernel, code, gapless):
    start = threading.Barrier(THREADS)

    def work():
        start.wait(timeout=30)
        taken = []
        for _ in range(PER_THREAD):
            with kernel.system_session() as s:
                taken.append(int(next_number(s, code, "{n}", period="none", gapless=gapless)))
                s.commit()
        return taken

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(work) for _ in range(THREADS)]
        return [n for f in futures for n in f.result(timeout=120)]


@pytest.mark.parametrize("gapless", [False, True], ids=["plain", "gapless"])
def test_eight_threads_get_four_hundred_distinct_numbers(kernel, gapless):
    taken = _take_in_threads(kernel, f"test.threads_{gapless}", gapless)
    assert len(taken) == THREADS * PER_THREAD
    assert len(set(taken)) == THREADS * PER_THREAD
    if gapless:
        assert sorted(taken) == list(range(1, THREADS * PER_THREAD + 1))


@pytest.mark.parametrize("gapless", [False, True], ids=["plain", "gapless"])
def test_separate_processes_never_share_a_number(kernel, database_url, instance_path, gapless):
    processes, per_process = 3, 40
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    children = [ctx.Process(target=take_numbers,
                            args=(database_url, str(instance_path), "test.procs", per_process, gapless,
                                  barrier, results))
                for _ in range(processes)]
    for child in children:
        child.start()
    taken = [n for _ in children for n in results.get(timeout=120)]
    for child in children:
        child.join(30)
        assert child.exitcode == 0
    assert len(taken) == processes * per_process
    assert sorted(int(n) for n in taken) == list(range(1, processes * per_process + 1))
