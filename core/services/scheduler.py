"""Scheduled jobs that plugins declare through ``huiwu_scheduled_jobs``.

A job is a name, a cron expression read in the company's time zone and a
function taking a session::

    Job("crm.birthday_greetings", "0 9 * * *", send_greetings, _l("Birthday greetings"))

``huiwu worker`` runs due jobs in production and a thread of the ``huiwu
run`` process in the embedded default; any number of them may run at once.
A runner takes a job with one conditional UPDATE on ``core_job`` (a lease
with an expiry), so a job runs at most once at a time across all processes;
a runner that dies leaves a lease that expires, and the next runner takes
over. Every run is logged in ``core_job_run``. Jobs of disabled plugins do
not run.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from core.db.types import utcnow
from core.errors import Conflict, NotFound
from core.services.models import JobRun, JobState
from core.services.upsert import insert_for

log = logging.getLogger(__name__)

RUNNING, OK, FAILED = "running", "ok", "failed"
SCHEDULE, MANUAL = "schedule", "manual"
#: How long the log keeps runs (the kernel's own daily job prunes older ones).
KEEP_RUNS_DAYS = 90


@dataclass(frozen=True)
class Job:
    """A function run on a cron schedule."""

    #: Unique, ``<plugin>.<job>`` (``core.<job>`` for the kernel's own).
    name: str
    #: Standard five-field cron expression, read in the company's time zone.
    cron: str
    #: ``func(session)`` runs with a system session; the scheduler commits after it,
    #: or rolls back and logs the error if it raises. It may return a short summary
    #: for the run log.
    func: Callable
    #: Lazy-translated label for the admin.
    title: object = ""
    #: The longest a run may take: after this a runner is presumed dead and another takes over.
    lease_seconds: int = 3600
    #: Filled by the kernel.
    plugin: str | None = None


def collect(registry, kernel_jobs=()) -> dict[str, Job]:
    """Every declared job by name; a bad name or cron expression fails start-up naming the job."""
    jobs: dict[str, Job] = {}
    for plugin, job in [(None, j) for j in kernel_jobs] + list(registry.contributions("huiwu_scheduled_jobs")):
        owner = plugin or "core"
        if not job.name.startswith(owner + "."):
            raise ValueError(f"{owner} declares job {job.name!r} outside its prefix")
        if job.name in jobs:
            raise ValueError(f"job {job.name!r} is declared twice ({owner})")
        if not croniter.is_valid(job.cron):
            raise ValueError(f"job {job.name!r} of {owner} has an invalid cron expression {job.cron!r}")
        jobs[job.name] = replace(job, plugin=plugin) if job.plugin != plugin else job
    return jobs


def next_run(cron: str, after: datetime, tz: str) -> datetime:
    """The first instant strictly after ``after`` that ``cron`` names in zone ``tz``, in UTC."""
    local = after.astimezone(ZoneInfo(tz))
    return croniter(cron, local).get_next(datetime).astimezone(UTC)


def runner_id() -> str:
    """Who is running: host, process and a random part (two runners in one process differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


# -- the job table -------------------------------------------------------------------

def sync_jobs(kernel, session, now: datetime | None = None) -> None:
    """Give every declared job its row (race-free), and follow cron changes made in code."""
    now = now or utcnow()
    rows = {r.name: r for r in session.execute(select(JobState)).scalars()}
    insert = insert_for(session)
    for name, job in kernel.jobs.items():
        row = rows.get(name)
        if row is None:
            session.execute(insert(JobState).values(
                name=name, plugin=job.plugin, cron=job.cron, enabled=True,
                next_run_at=next_run(job.cron, now, kernel.settings.timezone),
            ).on_conflict_do_nothing(index_elements=["name"]))
        elif row.cron != job.cron:
            row.cron = job.cron
            row.next_run_at = next_run(job.cron, now, kernel.settings.timezone)
    session.flush()


def visible_jobs(kernel, session) -> list[tuple[Job, JobState]]:
    """(declaration, state) of the jobs of enabled modules, by name."""
    sync_jobs(kernel, session)
    rows = {r.name: r for r in session.execute(select(JobState)).scalars()}
    return [(job, rows[name]) for name, job in sorted(kernel.jobs.items())
            if name in rows and kernel.registry.is_enabled(session, job.plugin)]


def set_enabled(kernel, session, name: str, enabled: bool) -> None:
    """Switch a job on or off; switched on, it next runs at its next cron time from now."""
    row = session.get(JobState, name)
    if row is None or name not in kernel.jobs:
        raise NotFound(_("There is no scheduled job %(name)s.", name=name))
    row.enabled = enabled
    if enabled:
        row.next_run_at = next_run(row.cron, utcnow(), kernel.settings.timezone)
    session.flush()


# -- running -------------------------------------------------------------------------

def run_due_jobs(kernel, now: datetime | None = None, runner: str | None = None) -> int:
    """Run every job that is due, enabled and not held by another runner; return how many ran.

    Each job is claimed, run and logged in transactions of its own, one after
    the other; call it from a loop (``huiwu worker``, the background thread).
    ``now`` lets tests pretend a time.
    """
    runner = runner or runner_id()
    clock = (lambda: now) if now is not None else utcnow
    with kernel.system_session() as session:
        sync_jobs(kernel, session, clock())
        session.commit()
        due = session.execute(
            select(JobState.name)
            .where(JobState.enabled.is_(True), JobState.next_run_at <= clock(), _lease_free(clock()))
            .order_by(JobState.next_run_at, JobState.name)
        ).scalars().all()
        due = [n for n in due if n in kernel.jobs and kernel.registry.is_enabled(session, kernel.jobs[n].plugin)]
    ran = 0
    for name in due:
        run_id = _claim(kernel, kernel.jobs[name], runner, clock(), SCHEDULE)
        if run_id is not None:
            _run(kernel, kernel.jobs[name], run_id, runner, SCHEDULE, clock)
            ran += 1
    return ran


def run_now(kernel, name: str, started_by: str | None = None) -> JobRun:
    """Run a job at once, outside its schedule ("run now"); return its logged run.

    Refused with ``Conflict`` while the job runs elsewhere. The job's next
    scheduled run is not moved. Call it with no transaction open in this
    thread (it commits its own).
    """
    job = kernel.jobs.get(name)
    with kernel.system_session() as session:
        if job is None or not kernel.registry.is_enabled(session, job.plugin):
            raise NotFound(_("There is no scheduled job %(name)s.", name=name))
        sync_jobs(kernel, session)
        session.commit()
    runner = runner_id()
    run_id = _claim(kernel, job, runner, utcnow(), MANUAL, started_by)
    if run_id is None:
        raise Conflict(_("This job is running at the moment; try again once it has finished."))
    _run(kernel, job, run_id, runner, MANUAL, utcnow)
    with kernel.system_session() as session:
        return session.get(JobRun, run_id)


def _lease_free(now: datetime):
    return or_(JobState.lease_expires_at.is_(None), JobState.lease_expires_at < now)


def _claim(kernel, job: Job, runner: str, now: datetime, trigger: str, started_by: str | None = None):
    """Take the job's lease with one conditional UPDATE; the run's id, or None if someone has it."""
    conditions = [JobState.name == job.name, _lease_free(now)]
    if trigger == SCHEDULE:
        conditions += [JobState.enabled.is_(True), JobState.next_run_at <= now]
    with kernel.system_session() as session:
        taken = session.execute(
            update(JobState).where(*conditions)
            .values(lease_owner=runner, lease_expires_at=now + timedelta(seconds=job.lease_seconds),
                    running_since=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            session.rollback()
            return None
        # a run still marked running belonged to a runner whose lease expired
        session.execute(
            update(JobRun).where(JobRun.job == job.name, JobRun.status == RUNNING)
            .values(status=FAILED, finished_at=now,
                    error="The runner stopped before the job finished; its lease expired.")
            .execution_options(synchronize_session=False)
        )
        run = JobRun(job=job.name, started_at=now, status=RUNNING, trigger=trigger, runner=runner,
                     started_by=started_by)
        session.add(run)
        session.commit()
        return run.id


def _run(kernel, job: Job, run_id: int, runner: str, trigger: str, clock) -> None:
    started = clock()
    try:
        with kernel.system_session() as session:
            result = job.func(session)
            session.commit()
        status, summary, error = OK, (str(result)[:2000] if result is not None else None), None
    except Exception:
        log.exception("scheduled job %s failed", job.name)
        status, summary, error = FAILED, None, traceback.format_exc()[-4000:]
    finished = clock()
    state = {"lease_owner": None, "lease_expires_at": None, "running_since": None,
             "last_run_at": started, "last_status": status}
    if trigger == SCHEDULE:
        state["next_run_at"] = next_run(job.cron, max(started, finished), kernel.settings.timezone)
    with kernel.system_session() as session:
        session.execute(update(JobRun).where(JobRun.id == run_id)
                        .values(finished_at=finished, status=status, summary=summary, error=error)
                        .execution_options(synchronize_session=False))
        session.execute(update(JobState).where(JobState.name == job.name, JobState.lease_owner == runner)
                        .values(**state).execution_options(synchronize_session=False))
        session.commit()


# -- in the background ---------------------------------------------------------------

class BackgroundScheduler(threading.Thread):
    """A daemon thread running due jobs every ``interval`` seconds until ``stop()``."""

    def __init__(self, kernel, interval: float = 20.0):
        super().__init__(name="huiwu-scheduler", daemon=True)
        self.kernel = kernel
        self.interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                run_due_jobs(self.kernel)
            except Exception:  # the thread must outlive a database hiccup
                log.exception("scheduler tick failed")
            self._stopping.wait(self.interval)

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stopping.set()
        self.join(timeout)


def start_background_scheduler(kernel, interval: float = 20.0) -> BackgroundScheduler | None:
    """Start a daemon thread running due jobs (the embedded default of ``huiwu run``).

    Does nothing when the configuration leaves jobs to ``huiwu worker``
    (``scheduler_in_process`` false). Running both is harmless: leases keep
    each job to one runner at a time.
    """
    if not kernel.settings.scheduler_in_process:
        return None
    thread = BackgroundScheduler(kernel, interval)
    thread.start()
    return thread


# -- the kernel's own job ------------------------------------------------------------

def prune_job_runs(session) -> str:
    """Forget runs older than ``KEEP_RUNS_DAYS`` so the log stays small."""
    cutoff = utcnow() - timedelta(days=KEEP_RUNS_DAYS)
    removed = session.execute(
        delete(JobRun).where(JobRun.started_at < cutoff, JobRun.status != RUNNING)
        .execution_options(synchronize_session=False)
    ).rowcount
    return f"old runs removed: {removed}"


KERNEL_JOBS = [Job("core.prune_job_runs", "30 3 * * *", prune_job_runs, _l("Prune the job log"))]
