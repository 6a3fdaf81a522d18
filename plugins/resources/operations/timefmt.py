"""Instants as people read them: in the company's zone, a window on one line."""
from __future__ import annotations

from datetime import datetime

from plugins.project.operations.common import zone


def local(session, moment: datetime) -> datetime:
    return moment.astimezone(zone(session))


def span_text(session, starts_at: datetime, ends_at: datetime) -> str:
    """``2030-06-01 09:00–13:00``, or ``2030-06-01 09:00 – 2030-06-02 18:00`` across days."""
    start, end = local(session, starts_at), local(session, ends_at)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
