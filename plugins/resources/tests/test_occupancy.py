"""The occupancy rule: buffers, combined halls, stock sums, maintenance, named conflicts."""
from __future__ import annotations

import pytest

from core.errors import Conflict
from plugins.resources.models import Maintenance
from plugins.resources.operations import occupancy
from plugins.resources.tests.conftest import T0, H


def book(db, raw_booking, resource, start, end, quantity=1):
    booking = raw_booking(resource, start, end, quantity)
    occupancy.occupy_booking(db, booking)
    db.commit()
    return booking


def test_a_second_booking_of_a_hall_names_the_first(db, make_resource, raw_booking):
    hall = make_resource("多功能厅")
    first = book(db, raw_booking, hall, T0, T0 + 4 * H)
    with pytest.raises(Conflict) as refused:
        book(db, raw_booking, hall, T0 + 2 * H, T0 + 6 * H)
    assert first.code in refused.value.message and "多功能厅" in refused.value.message


def test_set_up_and_tear_down_buffers_count_as_occupied(db, make_resource, raw_booking):
    hall = make_resource("宴会厅", setup_minutes=120, teardown_minutes=60)
    book(db, raw_booking, hall, T0 + 4 * H, T0 + 6 * H)
    with pytest.raises(Conflict):  # ends at 11:00, but the next one is being dressed from 09:00
        book(db, raw_booking, hall, T0, T0 + 2 * H + 30 * (H / 60))
    db.rollback()
    book(db, raw_booking, hall, T0 + 9 * H, T0 + 10 * H)  # 6h + 1h tear-down + 2h set-up: just fits


def test_a_combined_hall_and_its_parts_block_each_other(db, make_resource, raw_booking):
    a, b = make_resource("A厅"), make_resource("B厅")
    ab = make_resource("AB厅", parts=[a, b])
    book(db, raw_booking, a, T0, T0 + 2 * H)
    with pytest.raises(Conflict):
        book(db, raw_booking, ab, T0 + H, T0 + 3 * H)
    db.rollback()
    book(db, raw_booking, ab, T0 + 3 * H, T0 + 5 * H)
    with pytest.raises(Conflict):
        book(db, raw_booking, b, T0 + 4 * H, T0 + 6 * H)


def test_stocked_bookings_add_up_to_the_stock_and_no_more(db, make_resource, raw_booking):
    projectors = make_resource("投影仪", kind="equipment", stock=5)
    book(db, raw_booking, projectors, T0, T0 + 4 * H, quantity=3)
    book(db, raw_booking, projectors, T0 + 4 * H, T0 + 8 * H, quantity=5)  # back to back: all five again
    book(db, raw_booking, projectors, T0 + H, T0 + 2 * H, quantity=2)
    with pytest.raises(Conflict) as refused:
        book(db, raw_booking, projectors, T0 + H, T0 + 5 * H, quantity=1)
    assert refused.value.field == "quantity"


def test_maintenance_blocks_and_is_refused_over_a_booking(db, make_resource, raw_booking):
    hall = make_resource("贵宾厅")
    window = Maintenance(resource=hall, starts_at=T0, ends_at=T0 + 24 * H, reason="地毯更换")
    db.add(window)
    db.flush()
    occupancy.occupy_maintenance(db, window)
    db.commit()
    with pytest.raises(Conflict) as refused:
        book(db, raw_booking, hall, T0 + 2 * H, T0 + 3 * H)
    assert "maintenance" in refused.value.message
    db.rollback()
    book(db, raw_booking, hall, T0 + 30 * H, T0 + 32 * H)
    late = Maintenance(resource=hall, starts_at=T0 + 31 * H, ends_at=T0 + 40 * H)
    db.add(late)
    db.flush()
    with pytest.raises(Conflict):
        occupancy.occupy_maintenance(db, late)


def test_releasing_a_booking_frees_its_slot(db, make_resource, raw_booking):
    hall = make_resource("小会议室")
    first = book(db, raw_booking, hall, T0, T0 + 2 * H)
    occupancy.release_booking(db, first)
    db.commit()
    book(db, raw_booking, hall, T0, T0 + 2 * H)
