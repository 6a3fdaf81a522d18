"""The timeline: what occupies each resource over a period, and its chart."""
from __future__ import annotations

import json

from core.security.principal import act_as, load_principal
from plugins.resources.models import Maintenance
from plugins.resources.operations import occupancy, timeline, timeline_chart
from plugins.resources.tests.conftest import T0, H

DAY = 24 * H


def book(db, raw_booking, resource, start, end, quantity=1, status="confirmed"):
    booking = raw_booking(resource, start, end, quantity, status=status)
    occupancy.occupy_booking(db, booking)
    db.commit()
    return booking


def test_a_resource_line_shows_its_bookings_buffers_and_maintenance(db, make_resource, raw_booking):
    hall = make_resource("宴会厅", code="VEN-0001", setup_minutes=60, teardown_minutes=30)
    held = book(db, raw_booking, hall, T0, T0 + 4 * H, status="held")
    window = Maintenance(resource=hall, starts_at=T0 + DAY, ends_at=T0 + DAY + 8 * H, reason="地毯清洗")
    db.add(window)
    db.flush()
    occupancy.occupy_maintenance(db, window)
    db.commit()
    book(db, raw_booking, hall, T0 + 10 * DAY, T0 + 10 * DAY + H)  # after the period
    data = timeline.for_resources(db, [hall.id], T0 - DAY, T0 + 7 * DAY)
    assert [line.title for line in data.lines] == ["VEN-0001 宴会厅"]
    first, second = data.bars
    assert (first.code, first.status, first.starts_at, first.ends_at) == (held.code, "held", T0, T0 + 4 * H)
    assert (first.occupied_from, first.occupied_until) == (T0 - H, T0 + 4 * H + 30 * (H / 60))
    assert (first.project_code, first.project_name) == (held.project.code, "2030 新品发布会")
    assert (second.code, second.status, second.reason, second.occupied_from) == (
        None, "maintenance", "地毯清洗", T0 + DAY)


def test_a_part_shows_the_combined_halls_bookings_through_it(db, make_resource, raw_booking):
    a, b = make_resource("A厅", code="VEN-0011"), make_resource("B厅", code="VEN-0012")
    ab = make_resource("AB厅", code="VEN-0013", parts=[a, b])
    gala = book(db, raw_booking, ab, T0, T0 + 5 * H)
    seminar = book(db, raw_booking, a, T0 + DAY, T0 + DAY + 2 * H)
    data = timeline.for_resources(db, [a.id, b.id, ab.id], T0 - DAY, T0 + 3 * DAY)
    seen = {(b_.resource_id, b_.code, b_.via) for b_ in data.bars}
    assert seen == {(a.id, gala.code, "VEN-0013"), (b.id, gala.code, "VEN-0013"), (ab.id, gala.code, None),
                    (a.id, seminar.code, None), (ab.id, seminar.code, "VEN-0011")}


def test_a_kind_has_a_line_per_resource_in_service(db, make_resource, raw_booking):
    make_resource("音响", kind="equipment", code="EQP-0002")
    make_resource("旧投影", kind="equipment", code="EQP-0003", status="retired")
    lamps = make_resource("灯光", kind="equipment", code="EQP-0001", stock=6)
    make_resource("宴会厅", code="VEN-0001")
    book(db, raw_booking, lamps, T0, T0 + H, quantity=4)
    data = timeline.for_kind(db, "equipment", T0 - DAY, T0 + DAY)
    assert [line.code for line in data.lines] == ["EQP-0001", "EQP-0002"]
    assert [(b_.resource_id, b_.quantity) for b_ in data.bars] == [(lamps.id, 4)]


def test_whoever_does_not_see_the_booking_sees_only_that_the_slot_is_taken(kernel, db, make_resource, raw_booking,
                                                                         make_user):
    hall = make_resource("报告厅")
    booking = book(db, raw_booking, hall, T0, T0 + 2 * H)
    staff = make_user("lina", roles=["department_staff"])
    manager = make_user("wang", roles=["resource_manager"])
    for user, shown in ((staff, None), (manager, "2030 新品发布会")):
        with kernel.system_session() as s:
            act_as(s, load_principal(s, user.id))
            bar, = timeline.for_resources(s, [hall.id], T0 - DAY, T0 + DAY).bars
            assert (bar.code, bar.project_name) == (booking.code, shown)


def test_the_chart_draws_every_line_with_the_local_script(db, make_resource, raw_booking):
    hall = make_resource("宴会厅", code="VEN-0001", setup_minutes=60)
    make_resource("会议室", code="VEN-0002")
    book(db, raw_booking, hall, T0, T0 + 3 * H)
    data = timeline.for_kind(db, "venue", T0 - DAY, T0 + DAY)
    html = timeline_chart.chart_html(db, data, "/charts/plotly.min.js")
    assert '<script charset="utf-8" src="/charts/plotly.min.js"></script>' in html
    assert "cdn" not in html.lower()
    assert all(json.dumps(title) in html for title in ("VEN-0001 宴会厅", "VEN-0002 会议室"))  # as plotly writes it
    assert "BK-T-0001" in html and "2030-06-03T09:00:00+08:00" in html  # company time on the axis
