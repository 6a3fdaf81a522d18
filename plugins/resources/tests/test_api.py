"""The REST API: catalogue and booking round trips, and the shape of every refusal."""
from __future__ import annotations

from sqlalchemy import select, update

from core.db.types import utcnow
from plugins.resources.models import Booking

API = "/api/v1/resources"
HALL = {"name": "国际会议厅", "kind": "venue", "unit_price": "20000.00", "city": "杭州", "setup_minutes": 60,
        "layouts": [{"layout": "theatre", "capacity": 500}, {"layout": "banquet", "capacity": 300}]}


def make_hall(client, **more):
    created = client.post(f"{API}/resources", json={**HALL, **more})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_the_catalogue_round_trip(client_as):
    keeper = client_as("resource_manager")
    hotel = keeper.post(f"{API}/suppliers", json={"name": "西湖国宾馆", "phone": "0571-87979889"}).get_json()
    hall = make_hall(keeper, supplier_id=hotel["id"])
    assert (hall["code"], hall["pricing_unit"], hall["stock"]) == ("VEN-0001", "day", 1)
    assert hall["layouts"] == [{"layout": "theatre", "capacity": 500}, {"layout": "banquet", "capacity": 300}]
    make_hall(keeper, name="宴会厅", city="上海")
    kit = keeper.post(f"{API}/resources", json={"name": "激光投影仪", "kind": "equipment", "stock": 12,
                                                "unit_label": "台", "unit_price": "800"}).get_json()

    pm = client_as("project_manager")
    assert [r["name"] for r in pm.get(f"{API}/resources?kind=venue&city=杭州").get_json()] == ["国际会议厅"]
    assert [r["code"] for r in pm.get(f"{API}/resources?q=ven").get_json()] == ["VEN-0001", "VEN-0002"]
    assert [r["code"] for r in pm.get(f"{API}/resources?q=投影").get_json()] == [kit["code"]]
    assert pm.get(f"{API}/resources/{hall['id']}").get_json()["supplier_id"] == hotel["id"]
    assert pm.post(f"{API}/resources", json=HALL).status_code == 403

    patched = keeper.patch(f"{API}/resources/{hall['id']}", json={"status": "maintenance", "version": hall["version"]})
    assert patched.status_code == 200 and patched.get_json()["status"] == "maintenance"
    stale = keeper.patch(f"{API}/resources/{hall['id']}", json={"status": "available", "version": hall["version"]})
    assert stale.status_code == 409 and stale.get_json()["code"] == "conflict"
    assert keeper.patch(f"{API}/resources/{hall['id']}", json={"status": "available"}).status_code == 422

    assert keeper.delete(f"{API}/suppliers/{hotel['id']}").status_code == 409
    spare = keeper.post(f"{API}/suppliers", json={"name": "备用供应商"}).get_json()
    assert keeper.patch(f"{API}/suppliers/{spare['id']}", json={"active": False, "version": 1}).get_json()[
        "active"] is False
    assert keeper.delete(f"{API}/suppliers/{spare['id']}").status_code == 204
    assert [s["name"] for s in pm.get(f"{API}/suppliers").get_json()] == ["西湖国宾馆"]


def test_bad_catalogue_input_is_named(client_as):
    keeper = client_as("resource_manager")
    bad = keeper.post(f"{API}/resources", json={**HALL, "layouts": []})
    assert bad.status_code == 422 and bad.get_json() == {
        "code": "validation_failed", "message": "State the hall's capacity in at least one layout.",
        "errors": {"layouts": ["State the hall's capacity in at least one layout."]}}
    shape = keeper.post(f"{API}/resources", json={**HALL, "kind": "castle", "stock": "many", "part_ids": "A"})
    assert shape.status_code == 422 and {"kind", "stock", "part_ids"} <= set(shape.get_json()["errors"])
    assert keeper.post(f"{API}/suppliers", json={"name": "X", "email": "no"}).get_json()["errors"] == {
        "email": ["Not a valid e-mail address."]}


def test_a_booking_round_trip(db, client_as, make_user, project_for):
    keeper = client_as("resource_manager")
    hall = make_hall(keeper)
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    project = project_for(pm_user)
    ask = {"project_id": project, "resource_id": hall["id"], "starts_at": "2030-06-03T09:00:00",
           "ends_at": "2030-06-03T17:00:00", "guests": 280, "layout": "banquet"}

    quoted = pm.post(f"{API}/quote", json={k: ask[k] for k in ("resource_id", "starts_at", "ends_at")})
    assert quoted.get_json()["total"] == "21200.00" and quoted.get_json()["lines"][0]["units"] == 1

    held = pm.post(f"{API}/bookings", json={**ask, "hold": True})
    assert held.status_code == 201, held.get_json()
    booking = held.get_json()
    assert booking["status"] == "held" and booking["total"] == "21200.00" and booking["hold_expires_at"]
    assert booking["starts_at"] == "2030-06-03T01:00:00+00:00"  # read in the company's zone, kept in UTC

    taken = pm.post(f"{API}/bookings", json={**ask, "starts_at": "2030-06-03T16:00:00",
                                             "ends_at": "2030-06-03T20:00:00"})
    assert taken.status_code == 409 and booking["code"] in taken.get_json()["message"]
    waiting = pm.post(f"{API}/bookings", json={**ask, "waitlist": True}).get_json()
    assert (waiting["status"], waiting["rank"]) == ("waitlisted", 2)

    bid = booking["id"]
    moved = pm.patch(f"{API}/bookings/{bid}", json={"ends_at": "2030-06-04T17:00:00", "version": booking["version"]})
    assert moved.status_code == 200 and moved.get_json()["total"] == "42400.00"
    assert pm.patch(f"{API}/bookings/{bid}", json={"quantity": 1, "version": booking["version"]}).status_code == 409
    assert pm.post(f"{API}/bookings/{bid}/confirm").get_json()["status"] == "requested"
    assert pm.post(f"{API}/bookings/{bid}/approve").status_code == 403
    approved = keeper.post(f"{API}/bookings/{bid}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "confirmed"

    assert [b["status"] for b in pm.get(f"{API}/bookings?resource_id={hall['id']}").get_json()] == [
        "confirmed", "waitlisted"]
    assert [b["code"] for b in pm.get(f"{API}/bookings?status=waitlisted").get_json()] == [waiting["code"]]
    assert pm.get(f"{API}/bookings?from=2030-06-05T00:00:00").get_json() == []

    refused = pm.post(f"{API}/bookings/{bid}/cancel", json={})
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"reason": ["Say why."]}
    cancelled = pm.post(f"{API}/bookings/{bid}/cancel", json={"reason": "客户改期"})
    assert cancelled.get_json()["status"] == "cancelled"
    assert pm.get(f"{API}/bookings/{waiting['id']}").get_json()["status"] == "held"
    assert keeper.post(f"{API}/bookings/{waiting['id']}/reject", json={"reason": "不符合要求"}).get_json()[
        "status"] == "rejected"


def test_bad_booking_input_is_named_and_others_bookings_are_not_found(db, client_as, make_user, project_for):
    keeper = client_as("resource_manager")
    hall = make_hall(keeper)
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    ask = {"project_id": project_for(pm_user), "resource_id": hall["id"], "starts_at": "2030-06-03T09:00:00",
           "ends_at": "2030-06-03T17:00:00"}
    for changes, field in (({"ends_at": "2030-06-03T08:00:00"}, "ends_at"), ({"guests": 600}, "guests"),
                           ({"quantity": 2}, "quantity"), ({"layout": "stadium"}, "layout"),
                           ({"starts_at": "soon"}, "starts_at"), ({"resource_id": None}, "resource_id"),
                           ({"colour": "red"}, "colour")):
        bad = pm.post(f"{API}/bookings", json={**ask, **changes})
        assert bad.status_code == 422 and field in bad.get_json()["errors"], (changes, bad.get_json())
    other = make_user("lina", roles=["project_manager"])
    theirs = client_as(other).post(f"{API}/bookings", json={**ask, "project_id": project_for(other)}).get_json()
    assert pm.get(f"{API}/bookings/{theirs['id']}").status_code == 404
    assert keeper.get(f"{API}/bookings/{theirs['id']}").status_code == 200
    assert client_as("department_staff").post(f"{API}/bookings", json=ask).status_code == 403
    in_chinese = client_as(pm_user, locale="zh_Hans").post(f"{API}/bookings", json={**ask, "quantity": 2})
    assert in_chinese.get_json()["errors"] == {"quantity": ["国际会议厅 同一时段最多可预订 1 个。"]}


def test_a_lapsed_hold_is_refused_through_the_api(db, client_as, make_user, project_for):
    keeper = client_as("resource_manager")
    hall = make_hall(keeper)
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    held = pm.post(f"{API}/bookings", json={"project_id": project_for(pm_user), "resource_id": hall["id"],
                                            "starts_at": "2030-06-03T09:00:00", "ends_at": "2030-06-03T17:00:00",
                                            "hold": True}).get_json()
    db.execute(update(Booking).where(Booking.id == held["id"]).values(hold_expires_at=utcnow()))
    db.commit()
    late = pm.post(f"{API}/bookings/{held['id']}/confirm")
    assert late.status_code == 400 and late.get_json()["errors"] == {"status": [late.get_json()["message"]]}
    assert db.scalar(select(Booking.status).where(Booking.id == held["id"])) == "held"
    db.commit()
