"""Where an instant falls in a log whose rows are numbered as they are written.

A log row's id grows with its time (it is written once, when the thing it
records happens), so such a log needs no index on its time column to be
read by day: bisection on the primary key finds the first row at or after
an instant in a few dozen indexed look-ups. Every write to the log is spared
the upkeep of that index; the audit trail gets a row with every audited write.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select


def first_id_at_or_after(session, id_column, at_column, instant: datetime) -> int | None:
    """The smallest id whose time is at or after ``instant``, or None when every row is older.

    Exact where ids and times rise together; where they do not (two writers
    a moment apart), the boundary found is within that moment's rows.
    """
    low, high = session.execute(select(func.min(id_column), func.max(id_column))).one()
    if low is None:
        return None
    probe = select(id_column, at_column).order_by(id_column).limit(1)
    # The answer is ``best`` or an id in [low, high); ``best`` is None or at least ``high``.
    best, high = None, high + 1
    while low < high:
        middle = (low + high) // 2
        row = session.execute(probe.where(id_column >= middle, id_column < high)).first()
        if row is None:  # no row in [middle, high)
            high = middle
        elif row[1] >= instant:
            best, high = row[0], middle
        else:
            low = row[0] + 1
    return best
