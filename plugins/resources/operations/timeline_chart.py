"""The timeline as a Gantt-like chart, drawn by plotly in the browser from the installed package's script.

One line per resource; a pale bar for the whole occupied stretch (set-up and
tear-down included) under a coloured bar for the booked window itself, the
colour saying the booking's status (or maintenance). The page loads
plotly.js from the kernel's own URL (``core.web.charts``): no CDN.
"""
from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _

from plugins.resources.models.choices import BOOKING_STATUSES
from plugins.resources.operations.timefmt import span_text, zone
from plugins.resources.operations.timeline import Bar, Timeline

COLOURS = {"held": "#ffc107", "requested": "#17a2b8", "confirmed": "#28a745", "maintenance": "#dc3545"}
BUFFER_COLOUR = "#ced4da"
#: Bars narrower than this (ms) would be invisible on a month's chart.
MIN_WIDTH_MS = 15 * 60 * 1000


def status_label(status: str) -> str:
    if status == "maintenance":
        return _("Maintenance")
    return str(BOOKING_STATUSES.get(status, status))


def hover_text(session, bar: Bar) -> str:
    """What one bar says when pointed at."""
    if bar.code:
        head = bar.code + (f" · {bar.project_code} {bar.project_name}" if bar.project_code else "")
    else:
        head = _("Maintenance") + (f" · {bar.reason}" if bar.reason else "")
    lines = [head, f"{status_label(bar.status)} · {span_text(session, bar.starts_at, bar.ends_at)}"]
    if (bar.occupied_from, bar.occupied_until) != (bar.starts_at, bar.ends_at):
        lines.append(_("Occupied %(when)s (set-up and tear-down)",
                       when=span_text(session, bar.occupied_from, bar.occupied_until)))
    if bar.quantity > 1:
        lines.append(_("Quantity: %(n)d", n=bar.quantity))
    if bar.via:
        lines.append(_("Through %(code)s", code=bar.via))
    return "<br>".join(lines)


def chart_html(session, timeline: Timeline, script_url: str) -> str:
    """A ``<div>`` with the chart; the page loads plotly.js from ``script_url``."""
    tz = zone(session)
    titles = {line.resource_id: line.title for line in timeline.lines}
    fig = go.Figure()

    def add(name, bars, start, end, colour, hover=True):
        if not bars:
            return
        starts = [start(b).astimezone(tz) for b in bars]
        ends = [end(b).astimezone(tz) for b in bars]
        fig.add_trace(go.Bar(
            name=name, orientation="h", y=[titles[b.resource_id] for b in bars],
            base=[s.isoformat() for s in starts],
            x=[max((e - s).total_seconds() * 1000, MIN_WIDTH_MS) for s, e in zip(starts, ends)],
            marker_color=colour, hovertext=[hover_text(session, b) for b in bars] if hover else None,
            hoverinfo="text" if hover else "skip"))

    buffered = [b for b in timeline.bars if (b.occupied_from, b.occupied_until) != (b.starts_at, b.ends_at)]
    add(_("Set-up / tear-down"), buffered, lambda b: b.occupied_from, lambda b: b.occupied_until, BUFFER_COLOUR,
        hover=False)
    for status, colour in COLOURS.items():
        add(status_label(status), [b for b in timeline.bars if b.status == status],
            lambda b: b.starts_at, lambda b: b.ends_at, colour)
    fig.update_layout(
        barmode="overlay", bargap=0.35, title=_("Timeline"),
        xaxis={"type": "date", "range": [timeline.starts_at.astimezone(tz).isoformat(),
                                         timeline.ends_at.astimezone(tz).isoformat()]},
        # Every resource gets its line, booked or not, in the order given.
        yaxis={"autorange": "reversed", "type": "category", "categoryorder": "array",
               "categoryarray": [line.title for line in timeline.lines]},
        height=max(260, 26 * len(timeline.lines) + 140), margin={"l": 220, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h"})
    # A line with no bar would not be drawn at all: give every resource an invisible point.
    if timeline.lines:
        fig.add_trace(go.Scatter(x=[timeline.starts_at.astimezone(tz).isoformat()] * len(timeline.lines),
                                 y=[line.title for line in timeline.lines], mode="markers",
                                 marker={"opacity": 0}, showlegend=False, hoverinfo="skip"))
    return fig.to_html(full_html=False, include_plotlyjs=script_url)
