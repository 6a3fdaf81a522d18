"""Scheduled jobs: due jobs run once, are logged, fail visibly, follow cron in the company's zone."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.services import scheduler, sequences
from core.services.models import JobRun, JobState
from core.services.scheduler import Job, next_run, run_due_jobs
from core.testing import plugin_state
from tests.service_workers import TICK_JOB, TICKS

NOON_UTC = datetime(2026, 5, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


@pytest.fixture
def declare(kernel):
    """``declare(job)`` adds a job to the kernel for this test, as a plugin's hook would."""
    added = []

    def add(job):
        kernel.jobs[job.name] = job
        added.append(job.name)
        return job

    yield add
    for name in added:
        kernel.jobs.pop(name, None)


def ticks(kernel) -> int:
    with kernel.system_session() as s:
        return sequences.peek(s, TICKS, "") - 1


def runs(kernel, name):
    with kernel.system_session() as s:
        return list(s.execute(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)).scalars())


def state(kernel, name) -> JobState:
    with kernel.system_session() as s:
        return s.get(JobState, name)


def make_due(kernel, name, at=NOON_UTC):
    with kernel.system_session() as s:
        scheduler.sync_jobs(kernel, s)
        s.get(JobState, name).next_run_at = at - timedelta(minutes=1)
        s.commit()


def test_cron_is_read_in_the_company_time_zone():
    # 09:00 every day in Shanghai is 01:00 UTC; from 12:00 Shanghai the next one is tomorrow's
    assert next_run("0 9 * * *", NOON_UTC, "Asia/Shanghai") == datetime(2026, 5, 21, 1, 0, tzinfo=UTC)
    assert next_run("0 9 * * *", NOON_UTC, "UTC") == datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
    # the first of the month at midnight, Shanghai: 16:00 UTC the day before
    assert next_run("0 0 1 * *", NOON_UTC, "Asia/Shanghai") == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)


def test_a_due_job_runs_once_is_logged_and_is_scheduled_again(kernel, declare):
    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name)
    assert run_due_jobs(kernel, now=NOON_UTC) == 1
    assert run_due_jobs(kernel, now=NOON_UTC) == 0  # not due any more
    assert ticks(kernel) == 1
    [run] = runs(kernel, TICK_JOB.name)
    assert (run.status, run.trigger, run.summary) == ("ok", "schedule", "tick 1")
    after = state(kernel, TICK_JOB.name)
    assert after.lease_owner is None and after.last_status == "ok"
    assert after.next_run_at > NOON_UTC  # the next full hour after the run finished
    assert after.next_run_at.minute == 0 and after.next_run_at - NOON_UTC <= timedelta(hours=1)


def test_two_threads_racing_run_the_job_once(kernel, declare):
    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name)
    start, counts = threading.Barrier(2), []

    def runner():
        start.wait(timeout=30)
        counts.append(run_due_jobs(kernel, now=NOON_UTC))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(counts) == [0, 1]
    assert ticks(kernel) == 1
    assert len(runs(kernel, TICK_JOB.name)) == 1


def test_two_processes_racing_run_the_job_once(kernel, declare, database_url, instance_path):
    import multiprocessing

    from tests.service_workers import run_jobs

    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    children = [ctx.Process(target=run_jobs, args=(database_url, str(instance_path), NOON_UTC.isoformat(),
                                                   barrier, results)) for _ in range(2)]
    for child in children:
        child.start()
    counts = sorted(results.get(timeout=120) for _ in children)
    for child in children:
        child.join(30)
    assert counts == [0, 1]
    assert ticks(kernel) == 1
    assert [r.status for r in runs(kernel, TICK_JOB.name)] == ["ok"]


def test_a_crashed_runners_lease_expires_and_another_takes_over(kernel, declare):
    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name)
    # a runner claims the job and dies before finishing
    assert scheduler._claim(kernel, TICK_JOB, "dead-host:1:x", NOON_UTC, scheduler.SCHEDULE) is not None
    assert run_due_jobs(kernel, now=NOON_UTC + timedelta(seconds=30)) == 0  # still leased
    expired = NOON_UTC + timedelta(seconds=TICK_JOB.lease_seconds + 1)
    assert run_due_jobs(kernel, now=expired) == 1
    assert ticks(kernel) == 1
    dead, taken_over = runs(kernel, TICK_JOB.name)
    assert dead.status == "failed" and "lease expired" in dead.error
    assert taken_over.status == "ok" and taken_over.runner != "dead-host:1:x"


def boom(session):
    sequences.take(session, TICKS, "", gapless=True)  # rolled back with the failure
    raise RuntimeError("the mail server is down")


def test_a_failing_job_is_logged_rolled_back_and_scheduled_again(kernel, declare):
    job = declare(Job("core.test_boom", "*/5 * * * *", boom, "boom"))
    make_due(kernel, job.name)
    assert run_due_jobs(kernel, now=NOON_UTC) == 1
    [run] = runs(kernel, job.name)
    assert run.status == "failed"
    assert "RuntimeError: the mail server is down" in run.error
    assert ticks(kernel) == 0
    after = state(kernel, job.name)
    assert after.last_status == "failed" and after.lease_owner is None
    assert after.next_run_at == NOON_UTC + timedelta(minutes=5)


def test_jobs_of_a_disabled_module_do_not_run(kernel, declare, plugin_enabled):
    plugin_enabled("example")
    job = declare(Job("example.test_tick", "0 * * * *", TICK_JOB.func, "tick", plugin="example"))
    make_due(kernel, job.name)
    with plugin_state(kernel, "example", False):
        assert run_due_jobs(kernel, now=NOON_UTC) == 0
    with plugin_state(kernel, "example", True):
        assert run_due_jobs(kernel, now=NOON_UTC) == 1
    assert ticks(kernel) == 1


def test_a_switched_off_job_does_not_run(kernel, declare):
    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name)
    with kernel.system_session() as s:
        scheduler.set_enabled(kernel, s, TICK_JOB.name, False)
        s.commit()
    assert run_due_jobs(kernel, now=NOON_UTC + timedelta(days=1)) == 0
    assert ticks(kernel) == 0


def test_declarations_are_checked_at_start_up():
    class Registry:
        def __init__(self, jobs):
            self.jobs = jobs

        def contributions(self, hook):
            return self.jobs

    with pytest.raises(ValueError, match="crm.*invalid cron"):
        scheduler.collect(Registry([("crm", Job("crm.greet", "every morning", print))]))
    with pytest.raises(ValueError, match="crm declares job 'finance.x' outside its prefix"):
        scheduler.collect(Registry([("crm", Job("finance.x", "0 9 * * *", print))]))
    jobs = scheduler.collect(Registry([("crm", Job("crm.greet", "0 9 * * *", print))]), scheduler.KERNEL_JOBS)
    assert jobs["crm.greet"].plugin == "crm" and "core.prune_job_runs" in jobs


def test_the_background_scheduler_runs_due_jobs_and_stops(kernel, declare):
    declare(TICK_JOB)
    make_due(kernel, TICK_JOB.name, at=datetime.now(UTC))
    thread = scheduler.start_background_scheduler(kernel, interval=0.2)
    try:
        for _ in range(100):
            if ticks(kernel) == 1:
                break
            threading.Event().wait(0.1)
    finally:
        thread.stop()
    assert ticks(kernel) == 1
    assert not thread.is_alive()


def test_old_runs_are_pruned(kernel, db):
    with kernel.system_session() as s:
        scheduler.sync_jobs(kernel, s)
        old = datetime.now(UTC) - timedelta(days=scheduler.KEEP_RUNS_DAYS + 1)
        s.add_all([JobRun(job="core.prune_job_runs", started_at=old, status="ok", runner="r"),
                   JobRun(job="core.prune_job_runs", started_at=datetime.now(UTC), status="ok",
                          runner="r")])
        s.commit()
    run = scheduler.run_now(kernel, "core.prune_job_runs", started_by="admin")
    assert (run.status, run.summary, run.trigger) == ("ok", "old runs removed: 1", "manual")
    assert len(runs(kernel, "core.prune_job_runs")) == 2  # the recent one and this run
