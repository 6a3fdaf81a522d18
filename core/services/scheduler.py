"""Scheduled jobs (placeholder wiring; see the scheduler module docstring once built)."""
from __future__ import annotations


def start_background_scheduler(kernel) -> None:
    return None
