"""Utilisation, idle resources and refused demand, as an analyst would read them."""
from __future__ import annotations

from datetime import date

from plugins.resources.datasets import idle_rows, refused_rows, utilisation_rows
from plugins.resources.models import Maintenance
from plugins.resources.tests.conftest import T0, H

JUNE = {"start": date(2030, 6, 1), "end": date(2030, 7, 1)}


def test_utilisation_counts_active_bookings_by_quantity_and_discounts_maintenance(db, make_resource, raw_booking):
    hall = make_resource("宴会厅", setup_minutes=120)
    projectors = make_resource("投影仪", kind="equipment", stock=5)
    raw_booking(hall, T0, T0 + 8 * H)
    raw_booking(hall, T0 + 24 * H, T0 + 28 * H, status="cancelled")
    raw_booking(projectors, T0, T0 + 4 * H, quantity=3)
    db.add(Maintenance(resource=projectors, starts_at=T0, ends_at=T0 + 10 * H, quantity=2))
    db.commit()

    rows = {r["name"]: r for r in utilisation_rows(db, **JUNE)}

    assert rows["宴会厅"]["period"] == "2030-06"
    assert rows["宴会厅"]["booked_hours"] == 8  # the set-up buffer is not revenue; the cancelled one is gone
    assert rows["宴会厅"]["available_hours"] == 720
    assert rows["投影仪"]["booked_hours"] == 12
    assert rows["投影仪"]["available_hours"] == 720 * 5 - 20
    assert rows["投影仪"]["utilisation"] == round(12 / 3580, 4)


def test_a_booking_across_a_month_end_is_split_between_the_months(db, make_resource, raw_booking):
    hall = make_resource("多功能厅")
    end_of_june = T0 + 27 * 24 * H + 14 * H  # 2030-06-30 23:00 in Shanghai
    raw_booking(hall, end_of_june, end_of_june + 3 * H)
    db.commit()
    rows = {r["period"]: r["booked_hours"] for r in utilisation_rows(db, start=date(2030, 6, 1),
                                                                      end=date(2030, 8, 1))}
    assert rows == {"2030-06": 1, "2030-07": 2}


def test_weekly_periods_are_iso_weeks(db, make_resource, raw_booking):
    make_resource("小会议室")
    labels = {r["period"] for r in utilisation_rows(db, start=date(2030, 6, 3), end=date(2030, 6, 17),
                                                     period="week")}
    assert labels == {"2030-W23", "2030-W24"}


def test_idle_lists_only_resources_without_any_booking(db, make_resource, raw_booking):
    busy, idle = make_resource("A厅"), make_resource("B厅")
    make_resource("旧礼堂", status="retired")
    raw_booking(busy, T0, T0 + H)
    db.commit()
    assert [r["name"] for r in idle_rows(db, **JUNE)] == [idle.name]


def test_refused_demand_counts_rejections_and_waits_that_never_came_through(db, make_resource, raw_booking):
    hall = make_resource("贵宾厅")
    raw_booking(hall, T0, T0 + 2 * H, status="rejected")
    raw_booking(hall, T0 + 24 * H, T0 + 27 * H, status="rejected")
    raw_booking(hall, T0, T0 + 2 * H, status="confirmed")
    db.commit()
    rows = list(refused_rows(db, **JUNE))
    assert rows == [{"kind": "venue", "city": None, "period": "2030-06", "outcome": "rejected", "requests": 2,
                     "hours": 5}]


def test_the_datasets_are_published_to_analytics(kernel):
    names = {d.name for _plugin, d in kernel.registry.contributions("huiwu_analytics_datasets")}
    assert {"resources.utilisation", "resources.idle", "resources.refused_demand"} <= names
