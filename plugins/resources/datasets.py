"""What resources publishes for analysis: utilisation, idle resources and refused demand.

Periods are calendar months or ISO weeks in the company's zone. Booked time
is the client's window (buffers excluded: they are work, not revenue) times
the quantity; available time is the period's hours times the stock, less
maintenance. Demand is "refused" when a booking was rejected, lapsed on the
waiting list, or was still waiting when its window began.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.analytics import Dataset
from core.db.types import utcnow
from plugins.resources.models import Booking, Maintenance, Resource
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations.timefmt import zone

HOUR = timedelta(hours=1)


def periods(session, start: date, end: date, period: str) -> list[tuple[str, datetime, datetime]]:
    """``(label, from, to)`` for each month (``2030-06``) or ISO week (``2030-W23``) touching [start, end)."""
    tz = zone(session)
    found = []
    if period == "week":
        day = start - timedelta(days=start.weekday())
        while day < end:
            year, week, _ = day.isocalendar()
            found.append((f"{year}-W{week:02d}", day, day + timedelta(days=7)))
            day += timedelta(days=7)
    else:
        day = start.replace(day=1)
        while day < end:
            following = (day + timedelta(days=32)).replace(day=1)
            found.append((f"{day:%Y-%m}", day, following))
            day = following
    return [(label, datetime.combine(a, time.min, tzinfo=tz), datetime.combine(b, time.min, tzinfo=tz))
            for label, a, b in found]


def _window(session, start, end) -> tuple[date, date]:
    today = utcnow().astimezone(zone(session)).date()
    end = _as_date(end) or today.replace(day=1)
    start = _as_date(start) or (end - timedelta(days=365)).replace(day=1)
    return start, end


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _hours(a_start, a_end, b_start, b_end) -> float:
    overlap = min(a_end, b_end) - max(a_start, b_start)
    return max(overlap / HOUR, 0.0)


def _spread(rows, buckets, into):
    """Add each row's overlap hours × quantity to ``into[(resource_id, label)]``."""
    for resource_id, starts_at, ends_at, quantity in rows:
        for label, p_start, p_end in buckets:
            if starts_at < p_end and ends_at > p_start:
                into[(resource_id, label)] += _hours(starts_at, ends_at, p_start, p_end) * (quantity or 1)


def utilisation_rows(session, start=None, end=None, period: str = "month", **_params):
    """One row per resource and period: booked and available hours, and their ratio."""
    start, end = _window(session, start, end)
    buckets = periods(session, start, end, period)
    if not buckets:
        return
    lo, hi = buckets[0][1], buckets[-1][2]
    booked: dict = defaultdict(float)
    down: dict = defaultdict(float)
    _spread(session.execute(
        select(Booking.resource_id, Booking.starts_at, Booking.ends_at, Booking.quantity)
        .where(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < hi, Booking.ends_at > lo)
        .execution_options(yield_per=5000)), buckets, booked)
    stock = {}
    resources = session.execute(select(Resource.id, Resource.code, Resource.name, Resource.kind, Resource.city,
                                       Resource.stock).where(Resource.status != "retired")
                                .order_by(Resource.kind, Resource.code)).all()
    for r in resources:
        stock[r.id] = r.stock or 1
    _spread(((m.resource_id, m.starts_at, m.ends_at, m.quantity or stock.get(m.resource_id, 1))
             for m in session.execute(select(Maintenance.resource_id, Maintenance.starts_at, Maintenance.ends_at,
                                             Maintenance.quantity)
                                      .where(Maintenance.starts_at < hi, Maintenance.ends_at > lo))),
            buckets, down)
    for r in resources:
        for label, p_start, p_end in buckets:
            available = max((p_end - p_start) / HOUR * stock[r.id] - down[(r.id, label)], 0.0)
            hours = booked[(r.id, label)]
            yield {"resource_id": r.id, "code": r.code, "name": r.name, "kind": r.kind, "city": r.city,
                   "period": label, "booked_hours": round(hours, 2), "available_hours": round(available, 2),
                   "utilisation": round(hours / available, 4) if available else None}


def idle_rows(session, start=None, end=None, **_params):
    """Resources not booked at all in the window, with the hours they stood idle."""
    start, end = _window(session, start, end)
    buckets = periods(session, start, end, "month")
    if not buckets:
        return
    lo, hi = buckets[0][1], buckets[-1][2]
    busy = (select(Booking.resource_id).where(Booking.status.in_(ACTIVE_STATUSES), Booking.starts_at < hi,
                                              Booking.ends_at > lo))
    stmt = (select(Resource.id, Resource.code, Resource.name, Resource.kind, Resource.city, Resource.stock)
            .where(Resource.status != "retired", Resource.id.not_in(busy)).order_by(Resource.kind, Resource.code))
    for r in session.execute(stmt):
        yield {"resource_id": r.id, "code": r.code, "name": r.name, "kind": r.kind, "city": r.city,
               "idle_hours": round((hi - lo) / HOUR * (r.stock or 1), 2)}


def refused_rows(session, start=None, end=None, period: str = "month", **_params):
    """Demand we could not serve, per kind, city and period: how many requests and hours."""
    start, end = _window(session, start, end)
    buckets = periods(session, start, end, period)
    if not buckets:
        return
    lo, hi = buckets[0][1], buckets[-1][2]
    now = utcnow()
    stmt = (select(Resource.kind, Resource.city, Booking.status, Booking.starts_at, Booking.ends_at,
                   Booking.quantity)
            .join(Resource, Resource.id == Booking.resource_id)
            .where(Booking.starts_at < hi, Booking.starts_at >= lo,
                   Booking.status.in_(("rejected", "expired", "waitlisted")))
            .execution_options(yield_per=5000))
    totals: dict = defaultdict(lambda: [0, 0.0])
    for row in session.execute(stmt):
        if row.status == "waitlisted" and row.starts_at > now:
            continue  # still waiting: not refused yet
        label = next(b[0] for b in buckets if b[1] <= row.starts_at < b[2])
        entry = totals[(row.kind, row.city, label, row.status)]
        entry[0] += 1
        entry[1] += (row.ends_at - row.starts_at) / HOUR * (row.quantity or 1)
    for (kind, city, label, status), (count, hours) in sorted(totals.items(), key=lambda kv: kv[0][2:]):
        yield {"kind": kind, "city": city, "period": label, "outcome": status, "requests": count,
               "hours": round(hours, 2)}


_RESOURCE_COLUMNS = {"resource_id": _l("Resource"), "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"),
                     "city": _l("City")}

DATASETS = [
    Dataset("resources.utilisation", _l("Resource utilisation per period"), utilisation_rows, {
        **_RESOURCE_COLUMNS, "period": _l("Period"), "booked_hours": _l("Booked hours"),
        "available_hours": _l("Available hours"), "utilisation": _l("Utilisation"),
    }, _l("Booked versus available hours of every resource, by month or ISO week (start, end, period).")),
    Dataset("resources.idle", _l("Idle resources"), idle_rows, {
        **_RESOURCE_COLUMNS, "idle_hours": _l("Idle hours"),
    }, _l("Resources with no booking at all in the window (start, end).")),
    Dataset("resources.refused_demand", _l("Refused demand"), refused_rows, {
        "kind": _l("Kind"), "city": _l("City"), "period": _l("Period"), "outcome": _l("Outcome"),
        "requests": _l("Requests"), "hours": _l("Hours asked for"),
    }, _l("Requests that were rejected, lapsed, or still waiting when their time came.")),
]
