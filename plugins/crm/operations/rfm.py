"""RFM scoring and the classic eight segments, recomputed set-wise.

For every customer with any meeting or payment on record:

* R, recency: days since the last meeting or payment;
* F, frequency: meetings held in the window (``crm.rfm_window_months``);
* M, monetary: money paid in the window.

Each is "high" when better than the average over those customers (R: fewer
days than average; F, M: more than average), and the three highs and lows
name the segment (``choices.SEGMENT_BY_RFM``). Scores 1-5 place a customer
in fifths of the same population, for display. Every customer whose
segment changes gets a row in ``crm_segment_change``. The whole run is a
handful of UPDATE/INSERT ... SELECT statements, whatever the number of
customers.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    text,
    update,
)

from core.db.types import UTCDateTime, utcnow
from core.events import emit
from plugins.crm.models import (
    Customer,
    CustomerStats,
    Meeting,
    RfmRun,
    SegmentChange,
    Spend,
)
from plugins.crm.models.choices import SEGMENT_BY_RFM
from plugins.crm.operations import playbooks
from plugins.crm.operations.settings import RFM_WINDOW, setting
from plugins.crm.operations.sqlfn import days_since
from plugins.crm.operations.tag_rules import months_ago

S = CustomerStats
SCORED = S.last_activity_at.is_not(None)
_QUIET = {"synchronize_session": False}


def _roomy_sorts(session) -> None:
    """Three window sorts over every customer: let PostgreSQL sort in memory for this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def _ensure_stats_rows(session) -> None:
    """Customers created in bulk (imports, demo data) may lack their stats row."""
    missing = select(Customer.id, literal(0), literal(Decimal(0))).where(
        ~select(S.customer_id).where(S.customer_id == Customer.id).exists())
    session.execute(insert(S).from_select(["customer_id", "meeting_count", "total_spend"], missing))


def _fifth(column, descending=False):
    """1..5: which fifth of the scored customers ``column`` falls in (ties share a score)."""
    order = column.desc() if descending else column.asc()
    rank = func.rank().over(order_by=order)
    return 1 + (rank - 1) * 5 // func.count().over()


def _figures(session, now: datetime, since: datetime) -> None:
    """R, F, M and their fifths for every scored customer, in one UPDATE ... FROM.

    Meetings and payments are grouped once (hash joins), not counted per
    customer in correlated subqueries.
    """
    meetings = (select(Meeting.customer_id.label("cid"), func.count().label("n"))
                .where(Meeting.status != "cancelled", Meeting.start_date >= since.date())
                .group_by(Meeting.customer_id).subquery())
    paid = (select(Spend.customer_id.label("cid"), func.sum(Spend.amount).label("total"))
            .where(Spend.paid_at >= since).group_by(Spend.customer_id).subquery())
    raw = (select(S.customer_id.label("cid"),
                  days_since(session, S.last_activity_at, now).label("r"),
                  func.coalesce(meetings.c.n, 0).label("f"),
                  func.coalesce(paid.c.total, 0).label("m"))
           .outerjoin(meetings, meetings.c.cid == S.customer_id)
           .outerjoin(paid, paid.c.cid == S.customer_id)
           .where(SCORED).subquery())
    ranked = select(raw, _fifth(raw.c.r, descending=True).label("rs"), _fifth(raw.c.f).label("fs"),
                    _fifth(raw.c.m).label("ms")).subquery()
    session.execute(update(S).where(S.customer_id == ranked.c.cid).values(
        rfm_recency_days=ranked.c.r, rfm_frequency=ranked.c.f, rfm_monetary=ranked.c.m,
        rfm_r=ranked.c.rs, rfm_f=ranked.c.fs, rfm_m=ranked.c.ms).execution_options(**_QUIET))
    session.execute(update(S).where(~SCORED, S.rfm_recency_days.is_not(None)).values(
        rfm_recency_days=None, rfm_frequency=None, rfm_monetary=None,
        rfm_r=None, rfm_f=None, rfm_m=None).execution_options(**_QUIET))


def averages(session) -> tuple[float | None, float | None, float | None, int]:
    row = session.execute(select(
        func.avg(cast(S.rfm_recency_days, Float)), func.avg(cast(S.rfm_frequency, Float)),
        func.avg(cast(S.rfm_monetary, Float)), func.count()).where(SCORED)).one()
    return tuple(None if v is None else float(v) for v in row[:3]) + (row[3],)


def _avg(value: float):
    return literal(value, Float)


def segment_expression(avg_r: float, avg_f: float, avg_m: float):
    recent = cast(S.rfm_recency_days, Float) < _avg(avg_r)
    frequent = cast(S.rfm_frequency, Float) > _avg(avg_f)
    valuable = cast(S.rfm_monetary, Float) > _avg(avg_m)
    whens = [(and_(recent if r else ~recent, frequent if f else ~frequent, valuable if m else ~valuable), code)
             for (r, f, m), code in SEGMENT_BY_RFM.items()]
    return case((~SCORED, None), *whens, else_=None)


def recompute(session, triggered_by: int | None = None, now: datetime | None = None) -> RfmRun:
    """Recompute every customer's RFM figures and segment; return the run."""
    now = now or utcnow()
    window = int(setting(session, RFM_WINDOW))
    _roomy_sorts(session)
    _ensure_stats_rows(session)
    _figures(session, now, months_ago(now, window))
    avg_r, avg_f, avg_m, scored = averages(session)
    run = RfmRun(at=now, window_months=window, scored=scored, avg_recency_days=_dec(avg_r, 2),
                 avg_frequency=_dec(avg_f, 4), avg_monetary=_dec(avg_m, 2),
                 triggered_by_id=triggered_by, moved=0)
    session.add(run)
    session.flush()
    if scored:
        run.moved = _move(session, run, segment_expression(avg_r, avg_f, avg_m), now)
        playbooks.follow_ups_on_entry(session, run.id)
    session.flush()
    _forget_loaded_stats(session)
    emit(session, "crm.segments_recomputed", run_id=run.id, scored=run.scored, moved=run.moved)
    return run


def _dec(value: float | None, places: int) -> Decimal | None:
    return None if value is None else round(Decimal(str(value)), places)


def _forget_loaded_stats(session) -> None:
    """The statements above bypass the identity map: reload stats read afterwards."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, CustomerStats):
            session.expire(obj)


def _move(session, run: RfmRun, new_segment, now: datetime) -> int:
    changed = new_segment.is_distinct_from(S.segment)
    moves = select(literal(run.id), S.customer_id, S.segment, new_segment, literal(now, UTCDateTime)).where(changed)
    moved = session.execute(insert(SegmentChange).from_select(
        ["run_id", "customer_id", "from_segment", "to_segment", "at"], moves)
        .execution_options(preserve_rowcount=True)).rowcount
    session.execute(update(S).where(changed).values(segment=new_segment, segment_at=now)
                    .execution_options(**_QUIET))
    return moved
