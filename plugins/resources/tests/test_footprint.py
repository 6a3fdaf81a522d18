"""Changing a resource's buffers, parts or stock keeps what its coming bookings occupy true."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import Conflict
from core.testing import csrf_from
from plugins.resources.models import Occupancy, Resource
from plugins.resources.operations import booking as bookings
from plugins.resources.operations import booking_flow, catalogue
from plugins.resources.tests.conftest import T0, H
from plugins.resources.tests.test_catalogue import HALL, PROJECTORS


def update(s, resource_id, data):
    return catalogue.update_resource(s, catalogue.get_resource(s, resource_id), data)


def rows(db, booking):
    """What ``booking`` occupies, as (part, from, to, exclusive), read afresh."""
    db.rollback()
    found = [(r.part_id, r.starts_at, r.ends_at, r.exclusive) for r in db.scalars(
        select(Occupancy).where(Occupancy.booking_id == booking.id).order_by(Occupancy.part_id))]
    db.rollback()
    return found


def test_a_longer_tear_down_widens_the_coming_bookings_or_is_refused_naming_the_one_in_the_way(
        db, pm, project_for, as_user, book):
    hall = as_user(None, catalogue.create_resource, HALL)
    project = project_for(pm)
    morning = book(pm, project, hall, T0, T0 + 3 * H)
    afternoon = book(pm, project, hall, T0 + 4 * H, T0 + 7 * H)

    as_user(None, update, hall.id, {"teardown_minutes": 60})
    assert rows(db, morning) == [(hall.id, T0, T0 + 4 * H, True)]

    with pytest.raises(Conflict) as clash:
        as_user(None, update, hall.id, {"teardown_minutes": 90})
    assert clash.value.field == "teardown_minutes" and afternoon.code in clash.value.message
    assert as_user(None, lambda s: s.get(Resource, hall.id).teardown_minutes) == 60
    assert rows(db, morning) == [(hall.id, T0, T0 + 4 * H, True)]
    assert rows(db, afternoon) == [(hall.id, T0 + 4 * H, T0 + 8 * H, True)]


def test_a_combined_hall_opened_into_other_halls_moves_its_bookings_onto_them(db, pm, project_for, as_user, book):
    a, b, c = (as_user(None, catalogue.create_resource, {**HALL, "name": name}) for name in ("A厅", "B厅", "C厅"))
    ab = as_user(None, catalogue.create_resource, {**HALL, "name": "AB厅", "part_ids": [a.id, b.id]})
    project = project_for(pm)
    gala = book(pm, project, ab, T0, T0 + 3 * H)
    on_c = book(pm, project, c, T0 + H, T0 + 2 * H)

    with pytest.raises(Conflict) as clash:
        as_user(None, update, ab.id, {"part_ids": [a.id, c.id]})
    assert clash.value.field == "part_ids" and on_c.code in clash.value.message
    assert [r[0] for r in rows(db, gala)] == [a.id, b.id]

    as_user(pm, lambda s: booking_flow.cancel(s, bookings.get_booking(s, on_c.id), "换场地"))
    as_user(None, update, ab.id, {"part_ids": [a.id, c.id]})
    assert [r[0] for r in rows(db, gala)] == [a.id, c.id]
    assert book(pm, project, b, T0, T0 + 3 * H).status in ("requested", "confirmed")


def test_lowering_a_stock_to_one_makes_the_coming_rows_exclusive(db, pm, project_for, as_user, book):
    kit = as_user(None, catalogue.create_resource, {**PROJECTORS, "stock": 3})
    booked = book(pm, project_for(pm), kit, T0, T0 + 2 * H)
    assert rows(db, booked)[0][3] is False
    as_user(None, update, kit.id, {"stock": 1})
    assert rows(db, booked) == [(kit.id, T0, T0 + 2 * H, True)]


def test_the_admin_form_refuses_a_buffer_that_makes_bookings_clash(db, client_as, pm, project_for, as_user, book):
    hall = as_user(None, catalogue.create_resource, HALL)
    project = project_for(pm)
    book(pm, project, hall, T0, T0 + 3 * H)
    later = book(pm, project, hall, T0 + 3 * H, T0 + 5 * H)
    manager = client_as("resource_manager")
    url = f"/admin/resources_catalogue/edit/?id={hall.id}"
    form = manager.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(form), "code": hall.code, "name": hall.name, "kind": "venue",
            "status": "available", "unit_price": "20000", "pricing_unit": "day", "stock": "1",
            "setup_minutes": "30", "teardown_minutes": "0", "city": "杭州",
            "layouts-0-id": str(hall.layouts[0].id), "layouts-0-layout": "theatre", "layouts-0-capacity": "500",
            "layouts-1-id": str(hall.layouts[1].id), "layouts-1-layout": "banquet", "layouts-1-capacity": "300"}
    refused = manager.post(url, data=data)
    assert refused.status_code == 200 and later.code in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Resource, hall.id).setup_minutes == 0
