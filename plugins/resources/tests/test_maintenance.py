"""Maintenance windows: planned, moved and removed through their operations, never over a booking."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, Forbidden, ValidationFailed
from core.security.principal import act_as, load_principal
from plugins.resources.models import Maintenance, Occupancy
from plugins.resources.operations import maintenance, occupancy
from plugins.resources.tests.conftest import T0, H


def window(resource, start=T0, end=T0 + 4 * H, **values):
    return {"resource_id": resource.id, "starts_at": start, "ends_at": end, **values}


def rows_of(db, window_id):
    return db.scalar(select(func.count()).select_from(Occupancy).where(Occupancy.maintenance_id == window_id))


def test_a_window_occupies_its_resource_and_follows_when_moved(db, make_resource, raw_booking):
    hall = make_resource("国际会议厅")
    planned = maintenance.create_window(db, window(hall, reason="更换同传设备"))
    db.commit()
    assert rows_of(db, planned.id) == 1
    maintenance.update_window(db, planned, {"starts_at": T0 + 24 * H, "ends_at": T0 + 28 * H})
    db.commit()
    row = db.scalar(select(Occupancy).where(Occupancy.maintenance_id == planned.id))
    assert (row.starts_at, row.ends_at) == (T0 + 24 * H, T0 + 28 * H)
    booking = raw_booking(hall, T0, T0 + 2 * H)  # the old slot is free again
    occupancy.occupy_booking(db, booking)
    db.commit()
    maintenance.delete_window(db, planned)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Maintenance)) == 0
    assert rows_of(db, planned.id) == 0


def test_a_window_over_an_active_booking_is_refused_naming_it(db, make_resource, raw_booking):
    hall = make_resource("贵宾厅", setup_minutes=60)
    booking = raw_booking(hall, T0 + 2 * H, T0 + 3 * H)
    occupancy.occupy_booking(db, booking)
    db.commit()
    with pytest.raises(Conflict) as refused:
        maintenance.create_window(db, window(hall, T0, T0 + 90 * (H / 60)))  # reaches into the set-up hour
    db.rollback()
    assert booking.code in refused.value.message
    assert db.scalar(select(func.count()).select_from(Maintenance)) == 0


def test_moving_a_window_onto_a_booking_is_refused_and_keeps_it_where_it_was(db, make_resource, raw_booking):
    hall = make_resource("多功能厅")
    planned = maintenance.create_window(db, window(hall, T0 + 24 * H, T0 + 26 * H))
    booking = raw_booking(hall, T0, T0 + 2 * H)
    occupancy.occupy_booking(db, booking)
    db.commit()
    with pytest.raises(Conflict) as refused:
        maintenance.update_window(db, planned, {"starts_at": T0 + H})
    db.rollback()
    assert booking.code in refused.value.message
    db.expire_all()
    kept = db.get(Maintenance, planned.id)
    assert kept.starts_at == T0 + 24 * H and rows_of(db, planned.id) == 1


def test_some_units_of_a_stocked_resource(db, make_resource, raw_booking):
    mics = make_resource("无线话筒", kind="equipment", stock=10)
    booking = raw_booking(mics, T0, T0 + 2 * H, quantity=7)
    occupancy.occupy_booking(db, booking)
    db.commit()
    maintenance.create_window(db, window(mics, quantity=3))
    db.commit()
    with pytest.raises(Conflict) as refused:
        maintenance.create_window(db, window(mics, quantity=1))
    assert refused.value.field == "quantity" and booking.code in refused.value.message


def test_bad_input_is_named_by_field(db, make_resource):
    hall = make_resource("小会议室")
    projectors = make_resource("投影仪", kind="equipment", stock=4)
    cases = [
        ({"starts_at": T0, "ends_at": T0 + H}, "resource_id"),
        (window(hall, T0.replace(tzinfo=None)), "starts_at"),
        (window(hall, T0, None), "ends_at"),
        (window(hall, T0, T0), "ends_at"),
        (window(hall, quantity=2), "quantity"),
        (window(projectors, quantity=5), "quantity"),
        (window(projectors, quantity=0), "quantity"),
        (window(hall, reason="修" * 301), "reason"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            maintenance.create_window(db, data)
        assert refused.value.field == field, data
        db.rollback()
    assert db.scalar(select(func.count()).select_from(Maintenance)) == 0


def test_only_those_allowed_may_plan_maintenance(kernel, make_user, make_resource):
    hall = make_resource("报告厅")
    staff = make_user("lina", roles=["department_staff"])
    with kernel.system_session() as s:
        act_as(s, load_principal(s, staff.id))
        with pytest.raises(Forbidden):
            maintenance.create_window(s, window(hall))
