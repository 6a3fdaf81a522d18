"""The needs and Allocate pages: write a need, propose, read the reasons, apply in one step or be told why not."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.testing import csrf_from
from plugins.resources.models import AllocationRun, Booking, Layout, ResourceNeed
from plugins.resources.operations import needs
from plugins.resources.tests.conftest import T0, H

PAGES = ("/admin/resources_needs/", "/admin/resources_needs/new/", "/admin/resources_allocate/")


@pytest.fixture
def halls(make_resource):
    def hall(name, seats, price):
        return make_resource(name, unit_price=Decimal(price), pricing_unit="day",
                             layouts=[Layout(layout="theatre", capacity=seats)])

    return hall("大礼堂", 500, 20000), hall("中厅", 120, 6000)


def count(db, model) -> int:
    found = db.scalar(select(func.count()).select_from(model))
    db.commit()
    return found


def test_the_pages_open_for_a_project_manager_and_are_refused_to_others(client_as, make_user):
    pm = client_as("project_manager")
    for url in PAGES:
        assert pm.get(url).status_code == 200, url
    outsider = client_as(make_user("zhao", permissions=["project.project.read"]))
    for url in PAGES:
        assert outsider.get(url).status_code == 403, url
    staff = client_as("department_staff")
    assert staff.get("/admin/resources_needs/").status_code == 200
    assert staff.get("/admin/resources_allocate/").status_code == 403


def test_a_need_is_written_on_the_form_and_a_bad_one_is_named(db, client_as, make_user, project_for):
    user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(user)
    project = project_for(user)
    form = pm.get(f"/admin/resources_needs/new/?project_id={project}").get_data(as_text=True)
    assert f'value="{project}"' in form  # the project comes filled in
    data = {"csrf_token": csrf_from(form), "project": str(project), "name": "主会场", "kind": "venue",
            "starts_at": "2030-06-03 13:00", "ends_at": "2030-06-03 09:00", "layout": "theatre", "guests": "200",
            "quantity": "1", "weight": "3"}
    refused = pm.post("/admin/resources_needs/new/", data=data)
    assert refused.status_code == 200 and "The end must be after the start." in refused.get_data(as_text=True)
    assert count(db, ResourceNeed) == 0
    saved = pm.post("/admin/resources_needs/new/", data={**data, "ends_at": "2030-06-03 17:00"})
    assert saved.status_code == 302
    need = db.scalar(select(ResourceNeed))
    assert (need.name, need.starts_at, need.guests, need.weight, need.status) == ("主会场", T0 + 4 * H, 200, 3, "open")
    db.commit()
    listing = pm.get(f"/admin/resources_needs/?flt0_0={project}").get_data(as_text=True)
    assert "主会场" in listing and f"/admin/resources_allocate/?project_id={project}" in listing
    edit = pm.get(f"/admin/resources_needs/edit/?id={need.id}").get_data(as_text=True)
    assert "2030-06-03 13:00" in edit and 'name="project"' not in edit  # a need stays with its project
    changed = pm.post(f"/admin/resources_needs/edit/?id={need.id}", data={
        **data, "csrf_token": csrf_from(edit), "ends_at": "2030-06-03 17:00", "guests": "260",
        "version_seen": str(need.version)})
    assert changed.status_code == 302
    assert db.scalar(select(ResourceNeed.guests)) == 260
    db.commit()


def test_propose_review_and_apply_on_the_allocate_page(db, client_as, make_user, project_for, halls, as_user):
    _grand, medium = halls
    user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(user)
    project = project_for(user)
    as_user(user, needs.create_need, {"project_id": project, "name": "研讨会", "kind": "venue", "guests": 40,
                                      "layout": "theatre", "starts_at": T0, "ends_at": T0 + 3 * H})
    page = pm.get(f"/admin/resources_allocate/?project_id={project}").get_data(as_text=True)
    assert f'<option selected value="{project}">' in page
    proposed = pm.post("/admin/resources_allocate/run/", data={
        "csrf_token": csrf_from(page), "mode": "project", "project_id": str(project), "kinds": "venue",
        "time_limit": "5"})
    assert proposed.status_code == 302
    run_id = db.scalar(select(AllocationRun.id))
    db.commit()
    shown = pm.get(proposed.headers["Location"]).get_data(as_text=True)
    assert f"{medium.code} 中厅" in shown and "120 seats for 40." in shown and 'id="apply"' in shown
    assert "¥6,000.00" in shown

    applied = pm.post(f"/admin/resources_allocate/{run_id}/apply/", data={"csrf_token": csrf_from(shown)},
                      follow_redirects=True)
    assert "Applied: 1 bookings made, 0 moved." in applied.get_data(as_text=True)
    booking = db.scalar(select(Booking))
    assert (booking.resource_id, booking.status, booking.guests) == (medium.id, "requested", 40)
    db.commit()
    assert 'id="apply"' not in applied.get_data(as_text=True)  # applied once only


def test_applying_a_stale_proposal_says_what_is_in_the_way(db, client_as, make_user, project_for, halls, as_user,
                                                           book):
    _grand, medium = halls
    user = make_user("zhangwei", roles=["project_manager"])
    pm = client_as(user)
    project = project_for(user)
    as_user(user, needs.create_need, {"project_id": project, "name": "研讨会", "kind": "venue", "guests": 40,
                                      "starts_at": T0, "ends_at": T0 + 3 * H})
    page = pm.get("/admin/resources_allocate/").get_data(as_text=True)
    pm.post("/admin/resources_allocate/run/", data={"csrf_token": csrf_from(page), "mode": "project",
                                                    "project_id": str(project)})
    run_id = db.scalar(select(AllocationRun.id))
    db.commit()
    theirs = book(user, project_for(user, name="另一个会"), medium, T0, T0 + H)
    shown = pm.get(f"/admin/resources_allocate/{run_id}/").get_data(as_text=True)
    refused = pm.post(f"/admin/resources_allocate/{run_id}/apply/", data={"csrf_token": csrf_from(shown)},
                      follow_redirects=True).get_data(as_text=True)
    assert "nothing was booked" in refused and theirs.code in refused and 'id="run-problem"' in refused
    assert count(db, Booking) == 1


def test_a_bad_period_is_named_on_the_form(client_as):
    manager = client_as("resource_manager")
    page = manager.get("/admin/resources_allocate/").get_data(as_text=True)
    refused = manager.post("/admin/resources_allocate/run/", data={
        "csrf_token": csrf_from(page), "mode": "period", "starts_on": "2030-06-10", "ends_on": "2030-06-01",
        "kinds": "venue"}).get_data(as_text=True)
    assert "The end must be after the start." in refused and 'id="allocation-form"' in refused
