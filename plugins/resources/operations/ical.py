"""A resource's calendar as an iCalendar feed, for a calendar app to subscribe to.

Each active booking and each maintenance window that occupies the resource
(by the occupancy rule: a combined hall's bookings show on its parts, too)
is one VEVENT. Its UID is derived from the booking's (or window's) id, so a
calendar app updates the event when the booking moves instead of adding a
second one; times are in UTC; set-up and tear-down buffers are noted in the
description. The feed covers a stretch around today (``PAST``, ``AHEAD``):
enough to plan with, bounded so that a resource with years of history
stays a small download.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from core.db.types import utcnow
from plugins.resources.models import Resource
from plugins.resources.operations import timeline
from plugins.resources.operations.timefmt import span_text
from plugins.resources.operations.timeline_chart import status_label

PAST = timedelta(days=60)
AHEAD = timedelta(days=330)
#: Booking statuses as iCalendar's STATUS: awaiting approval or held is tentative.
ICAL_STATUS = {"held": "TENTATIVE", "requested": "TENTATIVE", "confirmed": "CONFIRMED",
               "maintenance": "CONFIRMED"}
PRODID = "-//Huiwu//Resources//EN"


def uid(bar: timeline.Bar) -> str:
    """Stable for the life of the booking or window, whatever is changed about it."""
    return f"resources-{bar.key}@huiwu"


def summary(bar: timeline.Bar) -> str:
    """``BK-2030-000001 · 2030 新品发布会 · Confirmed``; the project only where the subscriber sees it."""
    if bar.code is None:
        return " · ".join(filter(None, [_("Maintenance"), bar.reason]))
    return " · ".join(filter(None, [bar.code, bar.project_name, status_label(bar.status)]))


def description(session, bar: timeline.Bar) -> str:
    lines = []
    if bar.project_code:
        lines.append(_("Project: %(code)s %(name)s", code=bar.project_code, name=bar.project_name))
    if bar.occupied_from < bar.starts_at:
        lines.append(_("Set-up from %(when)s", when=span_text(session, bar.occupied_from, bar.starts_at)))
    if bar.occupied_until > bar.ends_at:
        lines.append(_("Tear-down until %(when)s", when=span_text(session, bar.ends_at, bar.occupied_until)))
    if bar.quantity > 1:
        lines.append(_("Quantity: %(n)d", n=bar.quantity))
    if bar.via:
        lines.append(_("Through %(code)s", code=bar.via))
    return "\n".join(lines)


def feed(session, resource: Resource, now: datetime | None = None) -> bytes:
    """The calendar of ``resource`` from ``PAST`` before ``now`` to ``AHEAD`` after it, as iCalendar bytes."""
    now = now or utcnow()
    data = timeline.for_resources(session, [resource.id], now - PAST, now + AHEAD)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{resource.code} {resource.name}")
    stamp = now.astimezone(UTC)
    for bar in data.bars:
        event = Event()
        event.add("uid", uid(bar))
        event.add("dtstamp", stamp)
        event.add("dtstart", bar.starts_at.astimezone(UTC))
        event.add("dtend", bar.ends_at.astimezone(UTC))
        event.add("summary", summary(bar))
        text = description(session, bar)
        if text:
            event.add("description", text)
        event.add("status", ICAL_STATUS.get(bar.status, "CONFIRMED"))
        event.add("transp", "OPAQUE")
        if bar.occupied_from < bar.starts_at or bar.occupied_until > bar.ends_at:
            event.add("x-huiwu-occupied-from", bar.occupied_from.astimezone(UTC))
            event.add("x-huiwu-occupied-until", bar.occupied_until.astimezone(UTC))
        cal.add_component(event)
    return cal.to_ical()
