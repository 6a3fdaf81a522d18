"""The resources admin pages open for a resource manager, refuse others, and do what their forms say."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from core.testing import csrf_from
from plugins.resources.models import Layout, Maintenance, Resource, Supplier
from plugins.resources.operations import occupancy
from plugins.resources.tests.conftest import T0, H

PAGES = ("/admin/resources_catalogue/", "/admin/resources_catalogue/new/", "/admin/resources_suppliers/",
         "/admin/resources_suppliers/new/", "/admin/resources_maintenance/", "/admin/resources_maintenance/new/",
         "/admin/resources_find/", "/admin/resources_timeline/")


@pytest.fixture
def manager(client_as):
    return client_as("resource_manager")


def book(db, raw_booking, resource, start, end, quantity=1):
    booking = raw_booking(resource, start, end, quantity)
    occupancy.occupy_booking(db, booking)
    db.commit()
    return booking


def test_every_page_opens_for_a_resource_manager(manager, make_resource):
    hall = make_resource("国际会议厅", city="杭州")
    for url in (*PAGES, f"/admin/resources_catalogue/edit/?id={hall.id}",
                "/admin/resources_catalogue/?flt0_0=venue", f"/admin/resources_maintenance/?flt0_0={hall.id}"):
        assert manager.get(url).status_code == 200, url
    script = manager.get("/charts/plotly.min.js")
    assert script.status_code == 200 and script.mimetype == "application/javascript"


def test_the_pages_are_refused_without_permission(client_as, make_user, make_resource):
    hall = make_resource("国际会议厅")
    outsider = client_as(make_user("zhao", permissions=["project.project.read"]))
    for url in (*PAGES, f"/admin/resources_catalogue/details/?id={hall.id}"):
        assert outsider.get(url).status_code == 403, url


def test_the_chinese_pages_render(client_as, make_resource):
    make_resource("国际会议厅")
    manager = client_as("resource_manager", locale="zh_Hans")
    assert "国际会议厅" in manager.get("/admin/resources_catalogue/").get_data(as_text=True)
    assert "可用性" in manager.get("/admin/resources_find/").get_data(as_text=True)


def test_details_show_the_timeline_and_how_to_subscribe(db, manager, make_resource, raw_booking):
    hall = make_resource("国际会议厅", code="VEN-0001")
    page = manager.get(f"/admin/resources_catalogue/details/?id={hall.id}").get_data(as_text=True)
    assert f"/api/v1/resources/{hall.id}/calendar.ics?token=YOUR-TOKEN" in page
    assert "/charts/plotly.min.js" in page and "cdn.plot.ly" not in page
    assert "resources.availability.read" in page


def test_a_resource_is_created_with_its_layouts_and_a_code(db, manager):
    form = manager.get("/admin/resources_catalogue/new/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(form), "code": "", "name": "西湖厅", "kind": "venue", "status": "available",
            "unit_price": "18000", "pricing_unit": "day", "stock": "1", "setup_minutes": "60",
            "teardown_minutes": "60", "city": "杭州", "layouts-0-layout": "theatre", "layouts-0-capacity": "300",
            "layouts-1-layout": "banquet", "layouts-1-capacity": "180"}
    assert manager.post("/admin/resources_catalogue/new/", data=data).status_code == 302
    hall = db.scalar(select(Resource).where(Resource.name == "西湖厅"))
    assert hall.code == "VEN-0001"
    assert sorted((x.layout, x.capacity) for x in hall.layouts) == [("banquet", 180), ("theatre", 300)]


def test_a_bad_resource_is_refused_naming_the_field_and_nothing_is_saved(db, manager, make_resource):
    make_resource("已有的厅", code="VEN-0007")
    form = manager.get("/admin/resources_catalogue/new/").get_data(as_text=True)
    base = {"csrf_token": csrf_from(form), "name": "西湖厅", "kind": "venue", "status": "available",
            "unit_price": "18000", "pricing_unit": "day", "stock": "1", "setup_minutes": "0", "teardown_minutes": "0"}
    refused = manager.post("/admin/resources_catalogue/new/", data={**base, "stock": "0"})
    assert refused.status_code == 200 and "The stock must be at least 1" in refused.get_data(as_text=True)
    duplicate = manager.post("/admin/resources_catalogue/new/", data={**base, "code": "VEN-0007"})
    assert "Already exists." in duplicate.get_data(as_text=True)
    twice = manager.post("/admin/resources_catalogue/new/", data={
        **base, "layouts-0-layout": "theatre", "layouts-0-capacity": "100",
        "layouts-1-layout": "theatre", "layouts-1-capacity": "120"})
    assert "listed twice" in twice.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Resource)) == 1
    assert db.scalar(select(func.count()).select_from(Layout)) == 0


def test_a_combined_hall_is_made_of_plain_halls(db, manager, make_resource):
    a, b = make_resource("A厅"), make_resource("B厅")
    form = manager.get("/admin/resources_catalogue/new/").get_data(as_text=True)
    base = {"csrf_token": csrf_from(form), "kind": "venue", "status": "available", "unit_price": "30000",
            "pricing_unit": "day", "stock": "1", "setup_minutes": "0", "teardown_minutes": "0",
            "layouts-0-layout": "theatre", "layouts-0-capacity": "600"}
    one = manager.post("/admin/resources_catalogue/new/", data={**base, "name": "只有A", "parts": str(a.id)})
    assert "at least two parts" in one.get_data(as_text=True)
    assert manager.post("/admin/resources_catalogue/new/",
                        data={**base, "name": "AB厅", "parts": f"{a.id},{b.id}"}).status_code == 302
    ab = db.scalar(select(Resource).where(Resource.name == "AB厅"))
    assert sorted(p.name for p in ab.parts) == ["A厅", "B厅"]


def test_a_supplier_name_is_unique(db, manager):
    form = manager.get("/admin/resources_suppliers/new/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(form), "name": "杭州国际博览中心", "contact_name": "陈经理",
            "phone": "13800138000", "active": "y"}
    assert manager.post("/admin/resources_suppliers/new/", data=data).status_code == 302
    again = manager.post("/admin/resources_suppliers/new/", data=data)
    assert "Already exists." in again.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Supplier)) == 1
    assert db.scalar(select(Supplier.phone)) == "13800138000"


def test_a_maintenance_window_over_a_booking_is_refused_on_the_form(db, manager, make_resource, raw_booking):
    hall = make_resource("国际会议厅")
    booking = book(db, raw_booking, hall, T0, T0 + 4 * H)
    form = manager.get(f"/admin/resources_maintenance/new/?resource_id={hall.id}").get_data(as_text=True)
    assert f'value="{hall.id}"' in form  # the resource comes filled in
    data = {"csrf_token": csrf_from(form), "resource": str(hall.id), "starts_at": "2030-06-03 10:00",
            "ends_at": "2030-06-03 20:00", "reason": "灯光检修"}
    refused = manager.post("/admin/resources_maintenance/new/", data=data)
    assert refused.status_code == 200 and booking.code in refused.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Maintenance)) == 0
    db.rollback()  # SQLite: let the admin's session write
    later = {**data, "starts_at": "2030-06-04 10:00", "ends_at": "2030-06-04 20:00"}
    assert manager.post("/admin/resources_maintenance/new/", data=later).status_code == 302
    window = db.scalar(select(Maintenance))
    assert window.starts_at == T0 + 25 * H  # 10:00 company time
    window_id, version = window.id, window.version
    db.rollback()
    edit = manager.get(f"/admin/resources_maintenance/edit/?id={window_id}").get_data(as_text=True)
    assert "2030-06-04 10:00" in edit
    moved = manager.post(f"/admin/resources_maintenance/edit/?id={window_id}", data={
        **later, "csrf_token": csrf_from(edit), "version_seen": str(version), "starts_at": "2030-06-03 12:00"})
    assert booking.code in moved.get_data(as_text=True)
    assert db.get(Maintenance, window_id).starts_at == T0 + 25 * H
    db.rollback()
    listing = manager.get("/admin/resources_maintenance/").get_data(as_text=True)
    deleted = manager.post("/admin/resources_maintenance/delete/", data={
        "csrf_token": csrf_from(listing), "id": str(window_id), "url": "/admin/resources_maintenance/"})
    assert deleted.status_code == 302
    assert db.scalar(select(func.count()).select_from(Maintenance)) == 0


def test_the_availability_page_lists_free_and_blocked_with_book_links(db, manager, make_resource, raw_booking):
    big = make_resource("大宴会厅", code="VEN-0001", unit_price=30000)
    small = make_resource("小宴会厅", code="VEN-0002", unit_price=8000)
    big.layouts = [Layout(layout="banquet", capacity=500)]
    small.layouts = [Layout(layout="banquet", capacity=150)]
    make_resource("会议室", code="VEN-0003").layouts = [Layout(layout="banquet", capacity=40)]
    db.commit()
    booking = book(db, raw_booking, small, T0 + H, T0 + 2 * H)
    page = manager.get("/admin/resources_find/", query_string={
        "starts_at": "2030-06-03T09:00", "ends_at": "2030-06-03T13:00", "kind": "venue", "layout": "banquet",
        "guests": "120", "quantity": "1"}).get_data(as_text=True)
    assert "VEN-0001" in page and "VEN-0002" in page and "VEN-0003" not in page  # too small
    assert page.index("VEN-0001") < page.index("VEN-0002")  # free first
    assert booking.code in page
    links = [line for line in page.split('"') if line.startswith("/admin/resources_bookings/new/")]
    assert len(links) == 1
    args = parse_qs(urlparse(links[0].replace("&amp;", "&")).query)
    assert args["resource_id"] == [str(big.id)] and args["guests"] == ["120"]
    assert args["starts_at"] == ["2030-06-03T01:00:00+00:00"] and args["ends_at"] == ["2030-06-03T05:00:00+00:00"]


def test_the_availability_page_names_bad_input(manager):
    page = manager.get("/admin/resources_find/", query_string={
        "starts_at": "2030-06-03T13:00", "ends_at": "2030-06-03T09:00", "kind": "venue"}).get_data(as_text=True)
    assert "The end must be after the start." in page and 'id="availability"' not in page


def test_the_timeline_page_shows_a_kind_over_a_period(db, manager, make_resource, raw_booking):
    lamps = make_resource("灯光", kind="equipment", code="EQP-0001", stock=6)
    make_resource("宴会厅", code="VEN-0001")
    booking = book(db, raw_booking, lamps, T0, T0 + H, quantity=4)
    page = manager.get("/admin/resources_timeline/", query_string={
        "kind": "equipment", "starts_on": "2030-06-01", "ends_on": "2030-06-07"}).get_data(as_text=True)
    assert booking.code in page and "EQP-0001 灯光" in page and "VEN-0001" not in page
    assert "/charts/plotly.min.js" in page
    backwards = manager.get("/admin/resources_timeline/", query_string={
        "kind": "equipment", "starts_on": "2030-06-07", "ends_on": "2030-06-01"}).get_data(as_text=True)
    assert "The end must be after the start." in backwards
