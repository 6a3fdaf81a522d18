"""Scheduled jobs that plugins declare through ``huiwu_scheduled_jobs``.

CONTRACT (implementation pending): a job runs at most once at a time across
all processes; each run is logged in ``core_job_run``; ``huiwu worker`` runs
them in production, the ``huiwu run`` process in the embedded default.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    #: Unique, ``<plugin>.<job>``.
    name: str
    #: Standard five-field cron expression, in the company's time zone.
    cron: str
    #: ``func(session)`` runs with a system session; the scheduler commits after it.
    #: It may return a short summary string for the run log.
    func: Callable
    title: object = ""
    #: Filled by the kernel.
    plugin: str | None = None


def run_due_jobs(kernel) -> int:
    """Run every job that is due and not running elsewhere; return how many ran."""
    return 0


def start_background_scheduler(kernel) -> None:
    """Start a daemon thread calling ``run_due_jobs`` (embedded default)."""
    return None
