"""Reading the segments: how many customers each holds, who moved where, a customer's path."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, cast, func, select

from plugins.crm.models import CustomerStats, RfmRun, SegmentChange
from plugins.crm.models.choices import SEGMENTS


def summary(session) -> list[dict]:
    """One row per segment, in the classic order, with its size and average R, F, M."""
    rows = {seg: (n, r, f, m) for seg, n, r, f, m in session.execute(
        select(CustomerStats.segment, func.count(),
               func.avg(cast(CustomerStats.rfm_recency_days, Float)),
               func.avg(cast(CustomerStats.rfm_frequency, Float)),
               func.avg(cast(CustomerStats.rfm_monetary, Float)))
        .where(CustomerStats.segment.is_not(None)).group_by(CustomerStats.segment))}
    out = []
    for code, title in SEGMENTS.items():
        n, r, f, m = rows.get(code, (0, None, None, None))
        out.append({"segment": code, "title": str(title), "customers": n,
                    "avg_recency_days": _round(r), "avg_frequency": _round(f, 2), "avg_monetary": _round(m)})
    return out


def _round(value, places=0):
    if value is None:
        return None
    return round(float(value), places) if places else round(float(value))


def moves(session, since: datetime | None = None) -> list[dict]:
    """How many customers moved from one segment to another (since ``since``), largest first."""
    stmt = (select(SegmentChange.from_segment, SegmentChange.to_segment, func.count())
            .group_by(SegmentChange.from_segment, SegmentChange.to_segment)
            .order_by(func.count().desc(), SegmentChange.from_segment, SegmentChange.to_segment))
    if since is not None:
        stmt = stmt.where(SegmentChange.at >= since)
    return [{"from": a, "to": b, "customers": n} for a, b, n in session.execute(stmt)]


def path_of(session, customer_id: int) -> list[SegmentChange]:
    return list(session.scalars(select(SegmentChange).where(SegmentChange.customer_id == customer_id)
                                .order_by(SegmentChange.at, SegmentChange.id)))


def last_run(session) -> RfmRun | None:
    return session.scalar(select(RfmRun).order_by(RfmRun.id.desc()).limit(1))
