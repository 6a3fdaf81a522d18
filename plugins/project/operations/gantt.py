"""The Gantt chart of a project's tasks, drawn by plotly in the browser from the package's own script."""
from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
from flask_babel import gettext as _

from plugins.project.models.choices import TASK_STATUSES, label
from plugins.project.operations.common import zone

COLOURS = {"todo": "#6c757d", "in_progress": "#007bff", "blocked": "#dc3545", "done": "#28a745",
           "cancelled": "#adb5bd"}


def chart_html(session, tasks, script_url: str) -> str:
    """A ``<div>`` with the chart; the page loads plotly.js from ``script_url``."""
    tz = zone(session)
    fig = go.Figure()
    for status in TASK_STATUSES:
        mine = [t for t in tasks if t.status == status and t.due_at]
        if not mine:
            continue
        starts = [(t.start_at or t.due_at - timedelta(days=1)).astimezone(tz) for t in mine]
        ends = [t.due_at.astimezone(tz) for t in mine]
        fig.add_trace(go.Bar(
            name=label(TASK_STATUSES, status), orientation="h", y=[t.title for t in mine],
            base=[s.isoformat() for s in starts],
            x=[max((e - s).total_seconds() * 1000, 3_600_000) for s, e in zip(starts, ends)],
            marker_color=COLOURS[status],
            hovertext=[f"{t.title} · {t.progress}%" for t in mine], hoverinfo="text"))
    fig.update_layout(barmode="overlay", xaxis={"type": "date"}, yaxis={"autorange": "reversed"},
                      height=max(300, 24 * len(tasks) + 120), margin={"l": 200, "r": 20, "t": 30, "b": 40},
                      title=_("Gantt chart"))
    return fig.to_html(full_html=False, include_plotlyjs=script_url)
