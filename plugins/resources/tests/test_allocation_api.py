"""The needs and allocation API: propose, read, apply (or 409), and the shape of every refusal."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.resources.models import Booking
from plugins.resources.tests.test_api import API, make_hall


def hall(keeper, name, seats, price, **more):
    return make_hall(keeper, name=name, unit_price=price, layouts=[{"layout": "theatre", "capacity": seats}],
                     setup_minutes=0, **more)


def add_need(client, project, name, **more):
    body = {"project_id": project, "name": name, "kind": "venue", "starts_at": "2030-06-03T09:00:00",
            "ends_at": "2030-06-03T12:00:00", "guests": 40, "layout": "theatre", **more}
    created = client.post(f"{API}/needs", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_propose_read_and_apply_one_projects_needs(db, client_as, make_user, project_for):
    keeper = client_as("resource_manager")
    hall(keeper, "大礼堂", 500, "20000")
    medium = hall(keeper, "中厅", 120, "6000")
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    project = project_for(pm_user)
    seminar = add_need(pm, project, "研讨会", notes="需要投影")
    assert (seminar["status"], seminar["weight"], seminar["quantity"]) == ("open", 1, 1)

    proposed = pm.post(f"{API}/allocations", json={"project_id": project})
    assert proposed.status_code == 201, proposed.get_json()
    run = proposed.get_json()
    assert (run["mode"], run["status"], run["project_id"]) == ("project", "proposed", project)
    (line,) = run["assignments"]
    assert (line["request"], line["need_id"], line["resource_id"], line["resource_name"]) == (
        f"need-{seminar['id']}", seminar["id"], medium["id"], "中厅")
    assert (line["fee"], line["idle"]) == ("6000.00", 80)
    assert [r["code"] for r in line["reasons"]] == ["fits_seats", "best"]
    assert line["explanation"].startswith(f"{medium['code']} 中厅: 120 seats for 40.")
    assert run["figures"]["served"] == 1 and run["figures"]["cost"] == "6000.00" and run["unserved"] == []
    assert pm.get(f"{API}/allocations/{run['id']}").get_json() == run

    applied = pm.post(f"{API}/allocations/{run['id']}/apply")
    assert applied.status_code == 200, applied.get_json()
    body = applied.get_json()
    assert body["run"]["status"] == "applied"
    (made,) = body["bookings"]
    assert (made["action"], made["booking"]["resource_id"], made["booking"]["status"]) == (
        "booked", medium["id"], "requested")
    assert made["booking"]["notes"] == "需要投影"
    assert pm.get(f"{API}/needs/{seminar['id']}").get_json()["booking_id"] == made["booking"]["id"]
    again = pm.post(f"{API}/allocations/{run['id']}/apply")
    assert again.status_code == 409
    assert db.scalar(select(func.count()).select_from(Booking)) == 1
    db.commit()


def test_apply_answers_409_naming_the_booking_in_the_way_and_books_nothing(db, client_as, make_user, project_for):
    keeper = client_as("resource_manager")
    medium = hall(keeper, "中厅", 120, "6000")
    hall(keeper, "小会议室", 30, "2000")
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    project = project_for(pm_user)
    add_need(pm, project, "研讨会")
    add_need(pm, project, "小组讨论", guests=12)
    run = pm.post(f"{API}/allocations", json={"project_id": project}).get_json()
    rival = make_user("lina", roles=["project_manager"])
    theirs = client_as(rival).post(f"{API}/bookings", json={
        "project_id": project_for(rival), "resource_id": medium["id"], "starts_at": "2030-06-03T11:00:00",
        "ends_at": "2030-06-03T13:00:00"}).get_json()

    refused = pm.post(f"{API}/allocations/{run['id']}/apply")
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert "研讨会" in message and theirs["code"] in message and "Propose again" in message
    assert db.scalar(select(func.count()).select_from(Booking)) == 1
    db.commit()
    stale = pm.get(f"{API}/allocations/{run['id']}").get_json()
    assert stale["status"] == "stale" and theirs["code"] in stale["problem"]


def test_bad_allocation_input_is_named(client_as, make_user, project_for):
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    period = {"starts_at": "2030-06-03T09:00:00", "ends_at": "2030-06-10T09:00:00"}
    for body, field in (({**period, "ends_at": "2030-06-01T09:00:00"}, "ends_at"),
                        ({**period, "kinds": ["castle"]}, "kinds"),
                        ({**period, "ends_at": "2030-12-31T09:00:00"}, "ends_at"),
                        ({}, "project_id"),
                        ({**period, "project_id": project_for(pm_user)}, "project_id"),
                        ({"project_id": 999999}, "project_id"),
                        ({**period, "time_limit": 3600}, "time_limit"),
                        ({**period, "colour": "red"}, "colour")):
        bad = pm.post(f"{API}/allocations", json=body)
        assert bad.status_code == 422 and field in bad.get_json()["errors"], (body, bad.get_json())
    assert client_as("department_staff").post(f"{API}/allocations", json=period).status_code == 403


def test_bad_needs_are_named_and_others_needs_are_not_found(client_as, make_user, project_for):
    pm_user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(pm_user)
    project = project_for(pm_user)
    base = {"project_id": project, "name": "主会场", "kind": "venue", "starts_at": "2030-06-03T09:00:00",
            "ends_at": "2030-06-03T12:00:00"}
    for changes, field in (({"ends_at": "2030-06-03T08:00:00"}, "ends_at"), ({"kind": "castle"}, "kind"),
                           ({"layout": "stadium"}, "layout"), ({"guests": 0}, "guests"),
                           ({"weight": 1000}, "weight"), ({"name": " "}, "name"),
                           ({"kind": "catering"}, "guests"), ({"kind": "equipment", "layout": "banquet"}, "layout"),
                           ({"kind": "equipment", "quantity": 4}, "match"),
                           ({"starts_at": "2020-06-03T09:00:00", "ends_at": "2020-06-03T12:00:00"}, "starts_at")):
        bad = pm.post(f"{API}/needs", json={**base, **changes})
        assert bad.status_code == 422 and field in bad.get_json()["errors"], (changes, bad.get_json())
    other = make_user("lina", roles=["project_manager"])
    theirs_project = project_for(other)
    assert pm.post(f"{API}/needs", json={**base, "project_id": theirs_project}).get_json()["errors"] == {
        "project_id": ["Choose one of your projects."]}
    theirs = add_need(client_as(other), theirs_project, "晚宴")
    assert pm.get(f"{API}/needs/{theirs['id']}").status_code == 404
    assert [n["name"] for n in pm.get(f"{API}/needs").get_json()] == []
    mine = add_need(pm, project, "主会场")
    changed = pm.patch(f"{API}/needs/{mine['id']}", json={"guests": 60, "version": mine["version"]})
    assert changed.status_code == 200 and changed.get_json()["guests"] == 60
    assert pm.patch(f"{API}/needs/{mine['id']}", json={"guests": 70, "version": mine["version"]}).status_code == 409
    assert pm.post(f"{API}/needs/{mine['id']}/cancel").get_json()["status"] == "cancelled"
    assert pm.patch(f"{API}/needs/{mine['id']}", json={"guests": 80, "version": 3}).status_code == 400
    assert [n["name"] for n in client_as("resource_manager").get(f"{API}/needs").get_json()] == ["晚宴", "主会场"]
