"""RFM segments on a hand-checked data set (see the table in the first test)."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from plugins.crm.models import Communication, CustomerStats
from plugins.crm.operations import jobs, rfm, segments
from plugins.crm.operations.exporting import campaign_file

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def ago(days):
    return (NOW - timedelta(days=days)).replace(hour=0, minute=0)


@pytest.fixture
def eight(customer, activity, manager):
    """Customer: recency (days), meetings in window, spend in window (CNY) -> segment.

    Averages over the eight: R 256.25, F 2.25, M 405,000.
    """
    li = manager("li")
    plan = {
        "A": (10, [10, 100, 200, 300], 900_000, "important_value"),
        "B": (20, [20], 800_000, "important_develop"),
        "C": (400, [400, 450, 500, 550], 700_000, "important_keep"),
        "D": (500, [500], 600_000, "important_retain"),
        "E": (30, [30, 60, 90, 120], 100_000, "general_value"),
        "F": (40, [40], 50_000, "general_develop"),
        "G": (450, [450, 500, 600], 80_000, "general_keep"),
        "H": (600, [], 10_000, "general_retain"),
    }
    ids = {}
    for key, (recency, meetings, spend, _segment) in plan.items():
        ids[key] = customer(f"客户{key}", account_manager_id=li.id)
        activity(ids[key], meetings=[ago(d).date() for d in meetings], payments=[(spend, ago(recency))])
    activity(ids["A"], payments=[(5_000_000, ago(1000))])  # outside the 24-month window
    activity(ids["E"], meetings=[ago(900).date()])  # outside the window
    ids["I"] = customer("客户I")  # nothing on record: no segment
    return ids, {k: v[3] for k, v in plan.items()}


def _segments(db, ids):
    stats = {s.customer_id: s for s in db.scalars(select(CustomerStats))}
    return {key: stats[cid].segment for key, cid in ids.items()}


def test_each_customer_lands_in_its_segment(db, eight):
    ids, expected = eight
    run = rfm.recompute(db, now=NOW)
    db.commit()
    assert _segments(db, ids) == {**expected, "I": None}
    assert (run.scored, run.moved) == (8, 8)
    assert float(run.avg_recency_days) == 256.25 and float(run.avg_frequency) == 2.25
    assert float(run.avg_monetary) == 405_000
    a = db.get(CustomerStats, ids["A"])
    assert (a.rfm_recency_days, a.rfm_frequency, int(a.rfm_monetary), a.rfm_r) == (10, 4, 900_000, 5)
    assert db.get(CustomerStats, ids["H"]).rfm_r == 1


def test_moves_are_recorded_and_playbooks_give_tasks_on_entry(db, eight, activity):
    ids, _ = eight
    rfm.recompute(db, now=NOW)
    db.commit()
    tasks = db.scalars(select(Communication.customer_id).where(Communication.kind == "follow_up")).all()
    # the seeded playbooks give a task on entering 重要发展 / 重要保持 / 重要挽留
    assert sorted(tasks) == sorted([ids["B"], ids["C"], ids["D"]])
    db.rollback()  # end the read before another session writes (SQLite)

    activity(ids["D"], meetings=[ago(5).date(), ago(6).date()], payments=[(3_000_000, ago(5))])
    run = rfm.recompute(db, now=NOW)
    db.commit()
    assert run.moved == 2  # D comes back; C falls below the new spend average (780,000)
    assert {(m["from"], m["to"]) for m in segments.moves(db)} >= {
        ("important_retain", "important_value"), ("important_keep", "general_keep")}
    path = [(p.from_segment, p.to_segment) for p in segments.path_of(db, ids["D"])]
    assert path == [(None, "important_retain"), ("important_retain", "important_value")]


def test_summary_and_campaign_list(db, eight, contact):
    ids, _ = eight
    contact(ids["A"], "王总", mobile="13900000001", is_primary=True)
    rfm.recompute(db, now=NOW)
    db.commit()
    summary = {row["segment"]: row["customers"] for row in segments.summary(db)}
    assert sum(summary.values()) == 8 and summary["important_value"] == 1
    csv = campaign_file(db, "important_value", "csv").decode("utf-8-sig")
    assert "客户A" in csv and "13900000001" in csv and "客户B" not in csv


def test_scheduled_job_recomputes(db, eight):
    assert jobs.recompute_segments(db) == "8 customers scored, 8 moved"
    db.commit()
    assert db.scalar(select(func.count()).select_from(CustomerStats).where(CustomerStats.segment.is_not(None))) == 8


def test_recompute_on_demand_through_the_api_covers_everyone(client_as, make_user, eight):
    _ids, _ = eight
    head = make_user("boss", roles=["account_manager"], permissions=["crm.segment.recompute"])
    answer = client_as(head).post("/api/v1/crm/segments/recompute")
    assert answer.status_code == 200
    assert answer.get_json()["scored"] == 8  # although "boss" manages none of them
    assert client_as("account_manager").post("/api/v1/crm/segments/recompute").status_code == 403
