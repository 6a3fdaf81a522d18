"""The calendar feed a calendar app subscribes to with ?token=, and the availability API."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from core.security.tokens import issue
from plugins.resources.models import Maintenance
from plugins.resources.operations import ical, occupancy
from plugins.resources.tests.conftest import T0, H

NOW = T0 - timedelta(days=7)


def book(db, raw_booking, resource, start, end, status="confirmed"):
    booking = raw_booking(resource, start, end, status=status)
    occupancy.occupy_booking(db, booking)
    db.commit()
    return booking


def events(body: bytes) -> dict:
    return {str(e["uid"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def token_for(kernel, user, scopes="resources.availability.read"):
    with kernel.system_session() as s:
        _token, raw = issue(s, user.id, "日历订阅", scopes)
        s.commit()
    return raw


@pytest.fixture
def hall(db, make_resource, raw_booking):
    """A hall with a confirmed booking (buffered), a held one, and a maintenance window."""
    resource = make_resource("国际会议厅", code="VEN-0001", setup_minutes=60, teardown_minutes=30)
    book(db, raw_booking, resource, T0, T0 + 4 * H)
    book(db, raw_booking, resource, T0 + 48 * H, T0 + 50 * H, status="held")
    window = Maintenance(resource=resource, starts_at=T0 + 72 * H, ends_at=T0 + 80 * H, reason="灯光检修")
    db.add(window)
    db.flush()
    occupancy.occupy_maintenance(db, window)
    db.commit()
    return resource


def test_each_booking_and_window_is_an_event_in_utc(db, hall):
    found = events(ical.feed(db, hall, now=NOW))
    assert set(found) == {"resources-booking-1@huiwu", "resources-booking-2@huiwu",
                          f"resources-maintenance-{db.query(Maintenance).one().id}@huiwu"}
    confirmed = found["resources-booking-1@huiwu"]
    assert confirmed.decoded("dtstart") == T0 and confirmed.decoded("dtend") == T0 + 4 * H
    assert confirmed.decoded("dtstart").tzinfo.utcoffset(None) == timedelta(0)
    assert str(confirmed["summary"]) == "BK-T-0001 · 2030 新品发布会 · Confirmed"
    assert str(confirmed["status"]) == "CONFIRMED"
    assert "Set-up from 2030-06-03 08:00–09:00" in str(confirmed["description"])
    assert "Tear-down until 2030-06-03 13:00–13:30" in str(confirmed["description"])
    assert str(found["resources-booking-2@huiwu"]["status"]) == "TENTATIVE"
    maintenance = next(e for uid, e in found.items() if "maintenance" in uid)
    assert str(maintenance["summary"]) == "Maintenance · 灯光检修"


def test_the_uid_stays_when_the_booking_moves(db, hall):
    before = events(ical.feed(db, hall, now=NOW))
    booking = db.get(occupancy.Booking, 1)
    booking.starts_at, booking.ends_at = T0 + 24 * H, T0 + 26 * H
    occupancy.occupy_booking(db, booking)
    db.commit()
    after = events(ical.feed(db, hall, now=NOW))
    assert set(after) == set(before)
    assert after["resources-booking-1@huiwu"].decoded("dtstart") == T0 + 24 * H


def test_a_calendar_app_subscribes_with_a_token_in_the_url(app, kernel, db, make_resource, raw_booking, make_user):
    hall = make_resource("国际会议厅", code="VEN-0001")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    for day in range(3):
        book(db, raw_booking, hall, soon + timedelta(days=day), soon + timedelta(days=day, hours=3))
    manager = make_user("wang", roles=["resource_manager"])
    raw = token_for(kernel, manager)
    calendar_app = app.test_client()  # no cookie, no header: only the URL
    response = calendar_app.get(f"/api/v1/resources/{hall.id}/calendar.ics?token={raw}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert len(events(response.data)) == 3
    assert calendar_app.get(f"/api/v1/resources/{hall.id}/calendar.ics").status_code == 401
    assert calendar_app.get(f"/api/v1/resources/{hall.id}/calendar.ics?token=hw_made-up").status_code == 401
    assert calendar_app.get(f"/api/v1/resources/999999/calendar.ics?token={raw}").status_code == 404


def test_the_feed_needs_the_availability_permission_and_scope(app, kernel, hall, make_user):
    outsider = make_user("zhao", permissions=["project.project.read"])
    manager = make_user("wang", roles=["resource_manager"])
    calendar_app = app.test_client()
    refused = calendar_app.get(f"/api/v1/resources/{hall.id}/calendar.ics?token={token_for(kernel, outsider)}")
    assert refused.status_code == 403
    narrow = token_for(kernel, manager, scopes="resources.resource.read")
    assert calendar_app.get(f"/api/v1/resources/{hall.id}/calendar.ics?token={narrow}").status_code == 403


def test_other_api_routes_do_not_take_a_token_from_the_url(app, kernel, make_user):
    raw = token_for(kernel, make_user("wang", roles=["resource_manager"]), scopes="")
    client = app.test_client()
    assert client.get(f"/api/v1/resources/availability?token={raw}&starts_at=2030-06-03T01:00:00Z"
                      "&ends_at=2030-06-03T05:00:00Z").status_code == 401
    assert client.get("/api/v1/resources/availability?starts_at=2030-06-03T01:00:00Z&ends_at=2030-06-03T05:00:00Z",
                      headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_the_availability_api_lists_options_free_first(db, client_as, make_resource, raw_booking):
    taken = make_resource("A厅", code="VEN-0001", unit_price=1000)
    make_resource("B厅", code="VEN-0002", unit_price=2000)
    booking = book(db, raw_booking, taken, T0, T0 + H)
    api = client_as("project_manager")
    window = {"starts_at": T0.isoformat(), "ends_at": (T0 + 4 * H).isoformat()}
    answer = api.get("/api/v1/resources/availability", query_string={"kind": "venue", **window})
    assert answer.status_code == 200
    options = answer.get_json()
    assert [(o["code"], o["free"], o["blocked_by"]) for o in options] == [
        ("VEN-0002", True, ""), ("VEN-0001", False, booking.code)]
    assert options[1]["blockers"][0]["booking_code"] == booking.code and options[0]["unit_price"] == "2000.00"
    only = api.get("/api/v1/resources/availability", query_string={"resource_id": taken.id, **window}).get_json()
    assert [o["code"] for o in only] == ["VEN-0001"]


def test_the_availability_api_names_bad_input(client_as, make_user):
    api = client_as("project_manager")
    naive = api.get("/api/v1/resources/availability?starts_at=2030-06-03T09:00&ends_at=2030-06-03T12:00:00Z")
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["errors"]
    backwards = api.get("/api/v1/resources/availability?starts_at=2030-06-03T09:00:00Z&ends_at=2030-06-03T08:00:00Z")
    assert backwards.status_code == 422 and "ends_at" in backwards.get_json()["errors"]
    unknown = api.get("/api/v1/resources/availability?starts_at=2030-06-03T09:00:00Z&ends_at=2030-06-03T10:00:00Z"
                      "&layout=circus")
    assert unknown.status_code == 422 and "layout" in unknown.get_json()["errors"]
    outsider = client_as(make_user("zhao", permissions=["project.project.read"]))
    assert outsider.get("/api/v1/resources/availability?starts_at=2030-06-03T09:00:00Z"
                        "&ends_at=2030-06-03T10:00:00Z").status_code == 403
