"""A customer's meeting history, spend and feedback, and the figures derived from them.

Meetings and payments arrive from other plugins' events (``handlers.py``);
``refresh_stats`` recomputes a customer's figures from the rows in one
statement each, so a replayed or out-of-order event cannot skew them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import case, func, select

from plugins.crm.models import CustomerStats, Feedback, Meeting, Spend
from plugins.crm.operations import tag_rules

COUNTED = Meeting.status != "cancelled"


def as_instant(day: date | None) -> datetime | None:
    """A meeting day as an instant (UTC midnight) for the stats columns."""
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def stats_of(session, customer_id: int) -> CustomerStats:
    stats = session.get(CustomerStats, customer_id)
    if stats is None:
        stats = CustomerStats(customer_id=customer_id, meeting_count=0, total_spend=Decimal(0))
        session.add(stats)
    return stats


def refresh_stats(session, customer_id: int, apply_rules: bool = True) -> CustomerStats:
    stats = stats_of(session, customer_id)
    first, last, count = session.execute(
        select(func.min(Meeting.start_date), func.max(Meeting.start_date), func.count(Meeting.id))
        .where(Meeting.customer_id == customer_id, COUNTED)).one()
    total, last_paid = session.execute(
        select(func.coalesce(func.sum(Spend.amount), 0), func.max(Spend.paid_at))
        .where(Spend.customer_id == customer_id)).one()
    stats.first_meeting_at, stats.last_meeting_at = as_instant(first), as_instant(last)
    stats.meeting_count, stats.total_spend = count, Decimal(total)
    stats.last_paid_at = _aware(last_paid)
    moments = [m for m in (stats.last_meeting_at, stats.last_paid_at) if m is not None]
    stats.last_activity_at = max(moments) if moments else None
    session.flush()
    if apply_rules:
        tag_rules.apply_rules(session, customer_ids=[customer_id])
    return stats


def _aware(value):
    """Aggregates bypass the column type on SQLite; give the instant its zone back."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def record_spend(session, customer_id: int, amount: Decimal, paid_at: datetime, ref: str,
                 project_id: int | None = None) -> bool:
    """Add a payment once per ``ref``; False when it was already recorded."""
    if session.scalar(select(Spend.id).where(Spend.ref == ref)) is not None:
        return False
    session.add(Spend(customer_id=customer_id, amount=Decimal(amount), paid_at=paid_at, ref=ref,
                      project_id=project_id))
    session.flush()
    refresh_stats(session, customer_id)
    return True


def meetings_of(session, customer_id: int) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.customer_id == customer_id)
                                .order_by(Meeting.start_date.desc().nulls_last(), Meeting.id.desc())))


def meetings_per_year(session, customer_id: int) -> dict[int, int]:
    rows = session.execute(select(Meeting.start_date).where(
        Meeting.customer_id == customer_id, COUNTED, Meeting.start_date.is_not(None)))
    per_year: dict[int, int] = {}
    for (day,) in rows:
        per_year[day.year] = per_year.get(day.year, 0) + 1
    return dict(sorted(per_year.items()))


@dataclass
class Nps:
    responses: int
    promoters: int
    detractors: int

    @property
    def score(self) -> int | None:
        """Promoters (9-10) minus detractors (0-6), in percent of responses."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)


def nps_of(session, customer_id: int) -> Nps:
    responses, promoters, detractors = session.execute(
        select(func.count(Feedback.id),
               func.coalesce(func.sum(case((Feedback.score >= 9, 1), else_=0)), 0),
               func.coalesce(func.sum(case((Feedback.score <= 6, 1), else_=0)), 0))
        .where(Feedback.customer_id == customer_id)).one()
    return Nps(responses, promoters, detractors)
