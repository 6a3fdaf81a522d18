"""List filters that speak in the company's days rather than UTC instants."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_admin.contrib.sqla.filters import DateBetweenFilter
from sqlalchemy import false

from core.db.append_only import first_id_at_or_after


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of ``day`` in the company's time zone, as UTC."""
    zone = ZoneInfo(current_app.extensions["huiwu"].settings.timezone)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


class DayBetweenFilter(DateBetweenFilter):
    """``from to until``, both days included, on a UTC date-time column."""

    def apply(self, query, value, alias=None):
        first, last = value
        column = self.get_column(alias)
        return query.filter(column >= day_start_utc(first), column < day_start_utc(last + timedelta(days=1)))


class LogDayFilter(DayBetweenFilter):
    """``DayBetweenFilter`` on a log whose ids rise with its times and whose time column has no index.

    The days are turned into a range of ids (``first_id_at_or_after``), widened
    by ``slack`` on each side for rows written a little out of order (a
    transaction's rows are numbered when it commits); the times are then
    checked on that range only.
    """

    def __init__(self, column, id_column, name, slack: timedelta = timedelta(hours=1), **kwargs):
        super().__init__(column, name, **kwargs)
        self.id_column = id_column
        self.slack = slack

    def apply(self, query, value, alias=None):
        first, last = value
        start, end = day_start_utc(first), day_start_utc(last + timedelta(days=1))
        column, session = self.get_column(alias), query.session
        low = first_id_at_or_after(session, self.id_column, column, start - self.slack)
        if low is None:
            return query.filter(false())
        query = query.filter(self.id_column >= low, column >= start, column < end)
        high = first_id_at_or_after(session, self.id_column, column, end + self.slack)
        return query if high is None else query.filter(self.id_column < high)


class OverlapsDaysFilter(DateBetweenFilter):
    """Rows whose window (``column`` to ``end_column``) overlaps ``from to until``, both days included.

    A row running from Sunday to Tuesday is in "Monday to Monday", which a
    filter on its start alone would miss. When no row lasts longer than
    ``longest``, the start is bounded on both sides, so an index on it reads
    only the rows near the period instead of every row that started before it.
    """

    def __init__(self, column, end_column, name, longest: timedelta | None = None, **kwargs):
        super().__init__(column, name, **kwargs)
        self.end_column = end_column
        self.longest = longest

    def apply(self, query, value, alias=None):
        first, last = value
        start, column = day_start_utc(first), self.get_column(alias)
        query = query.filter(column < day_start_utc(last + timedelta(days=1)), self.end_column > start)
        return query.filter(column > start - self.longest) if self.longest is not None else query
