"""Hooks the project plugin publishes for other plugins to answer."""
from __future__ import annotations

from core.hookspecs import hookspec


@hookspec
def huiwu_project_change_impact(db_session, project_id: int, kind: str, proposed: dict) -> list | None:
    """Say what a proposed change to a project would touch in your plugin.

    Called when a change request is previewed or submitted, inside the
    caller's transaction (``db_session``); must not write. ``kind`` is one of ``time``,
    ``venue``, ``services``, ``scale``, ``other``; ``proposed`` the new values.
    Return a list of short, already translated lines ("Booking 会议室A on
    2026-05-12 would conflict"), or None when nothing is touched. Resources
    answers with bookings, finance with budget lines; mark the implementation
    ``@hookimpl(optionalhook=True)``.
    """
