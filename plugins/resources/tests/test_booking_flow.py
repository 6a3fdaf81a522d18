"""Requesting, approving, confirming, cancelling and changing bookings, and who hears about it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, DomainError, Forbidden
from core.events import Handler
from core.services.settings import set_value
from plugins.resources.models import Booking, Occupancy
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H


def occupancy_of(db, booking_id):
    rows = db.execute(select(Occupancy.starts_at, Occupancy.ends_at, Occupancy.quantity)
                      .where(Occupancy.booking_id == booking_id)).all()
    db.commit()
    return rows


def test_a_request_waits_for_a_manager_then_is_confirmed(db, pm, manager, project_for, hall, book, on_booking,
                                                        events):
    project = project_for(pm)
    booking = book(pm, project, hall, T0, T0 + 8 * H, guests=280, layout="banquet", notes="晚宴")
    assert booking.code.startswith("BK-") and booking.code.endswith("-000001")
    assert booking.status == "requested" and booking.total == Decimal("21200.00")  # one day + 6% VAT
    assert occupancy_of(db, booking.id) == [(T0, T0 + 8 * H, 1)]  # awaiting approval, the hall is taken
    assert events["resources.booking_requested"][0]["status"] == "requested"

    with pytest.raises(Forbidden):
        on_booking(pm, bookings.approve, booking.id)
    approved = on_booking(manager, bookings.approve, booking.id)
    assert approved.status == "confirmed" and approved.approved_by_id == manager.id and approved.confirmed_at
    confirmed = events["resources.booking_confirmed"][0]
    assert confirmed["code"] == booking.code and confirmed["total"] == "21200.00"
    with pytest.raises(DomainError) as twice:
        on_booking(manager, bookings.approve, booking.id)
    assert twice.value.field == "status"


def test_rejecting_frees_the_slot_and_says_why(db, pm, manager, project_for, hall, book, on_booking, events):
    booking = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    with pytest.raises(DomainError) as silent:
        on_booking(manager, bookings.reject, booking.id, " ")
    assert silent.value.field == "reason"
    rejected = on_booking(manager, bookings.reject, booking.id, "场地已预留给政府会议")
    assert rejected.status == "rejected" and rejected.closed_at and rejected.reason == "场地已预留给政府会议"
    assert occupancy_of(db, booking.id) == []
    assert events["resources.booking_cancelled"][0]["old_status"] == "requested"
    book(pm, project_for(pm), hall, T0, T0 + 4 * H)  # free again


def test_a_resource_marked_auto_approve_is_confirmed_at_once(pm, project_for, make_resource, book, events):
    car = make_resource("商务车", kind="generic", capacity=7, auto_approve=True, pricing_unit="day")
    booking = book(pm, project_for(pm), car, T0, T0 + 10 * H)
    assert booking.status == "confirmed" and booking.approved_by_id is None
    assert [e["status"] for e in events["resources.booking_requested"]] == ["requested"]
    assert len(events["resources.booking_confirmed"]) == 1


def test_a_total_under_the_auto_approve_amount_is_confirmed_at_once(db, pm, project_for, make_resource, book):
    set_value(db, "resources.auto_approve_amount", "1000")
    db.commit()
    mic = make_resource("无线话筒", kind="equipment", stock=20, unit_label="支", unit_price=Decimal("50.00"),
                        pricing_unit="unit_day")
    assert book(pm, project_for(pm), mic, T0, T0 + 8 * H, quantity=4).status == "confirmed"  # 212.00
    two_days = book(pm, project_for(pm), mic, T0, T0 + 30 * H, quantity=16)  # 1,696.00
    assert two_days.status == "requested" and two_days.total == Decimal("1696.00")


def test_a_vetoing_handler_leaves_nothing_saved(db, kernel, pm, project_for, hall, book):
    def over_budget(_session, payload):
        raise DomainError(f"预算不足：{payload['total']}")

    veto = Handler("resources.booking_requested", over_budget, name="test.over_budget")
    kernel.bus.connect(veto)
    try:
        with pytest.raises(DomainError) as refused:
            book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    finally:
        kernel.bus.disconnect(veto)
    assert refused.value.message == "预算不足：21200.00"
    assert db.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.scalar(select(func.count()).select_from(Occupancy)) == 0
    db.commit()
    assert book(pm, project_for(pm), hall, T0, T0 + 4 * H).status == "requested"


def test_a_taken_slot_is_refused_naming_the_booking_in_the_way(pm, project_for, hall, book):
    first = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    with pytest.raises(Conflict) as taken:
        book(pm, project_for(pm), hall, T0 + 2 * H, T0 + 6 * H)
    assert first.code in taken.value.message


def test_cancelling_frees_the_slot(db, pm, project_for, hall, book, on_booking, events):
    booking = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    with pytest.raises(DomainError) as no_reason:
        on_booking(pm, bookings.cancel, booking.id, None)
    assert no_reason.value.field == "reason"
    cancelled = on_booking(pm, bookings.cancel, booking.id, "客户改期")
    assert cancelled.status == "cancelled" and occupancy_of(db, booking.id) == []
    assert events["resources.booking_cancelled"][-1]["reason"] == "客户改期"
    with pytest.raises(DomainError):
        on_booking(pm, bookings.cancel, booking.id, "again")


def test_changing_the_window_moves_the_occupancy_and_the_price(db, pm, project_for, hall, book, on_booking,
                                                               events):
    booking = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    moved = on_booking(pm, bookings.change, booking.id, {"starts_at": T0 + 24 * H, "ends_at": T0 + 60 * H})
    assert (moved.starts_at, moved.ends_at, moved.total) == (T0 + 24 * H, T0 + 60 * H, Decimal("42400.00"))
    assert occupancy_of(db, booking.id) == [(T0 + 24 * H, T0 + 60 * H, 1)]
    change = events["resources.booking_changed"][0]
    assert change["old_total"] == "21200.00" and change["total"] == "42400.00"
    book(pm, project_for(pm), hall, T0, T0 + 4 * H)  # the old slot is free


def test_a_change_onto_a_taken_slot_changes_nothing(db, pm, project_for, hall, book, on_booking):
    mine = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    theirs = book(pm, project_for(pm), hall, T0 + 6 * H, T0 + 8 * H)
    with pytest.raises(Conflict) as taken:
        on_booking(pm, bookings.change, mine.id, {"ends_at": T0 + 7 * H})
    assert theirs.code in taken.value.message
    assert occupancy_of(db, mine.id) == [(T0, T0 + 4 * H, 1)]
    kept = db.get(Booking, mine.id)
    assert (kept.ends_at, kept.total, kept.version) == (T0 + 4 * H, mine.total, mine.version)


def test_a_change_inside_one_session_that_fails_leaves_the_booking_as_it_was(db, pm, project_for, hall, book,
                                                                             as_user):
    mine = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    book(pm, project_for(pm), hall, T0 + 6 * H, T0 + 8 * H)

    def try_then_look(s):
        booking = bookings.get_booking(s, mine.id)
        with pytest.raises(Conflict):
            bookings.change(s, booking, {"ends_at": T0 + 7 * H, "quantity": 1})
        return booking.ends_at, [r.ends_at for r in s.scalars(select(Occupancy).where(
            Occupancy.booking_id == mine.id))]

    assert as_user(pm, try_then_look) == (T0 + 4 * H, [T0 + 4 * H])


def test_stocked_equipment_changes_quantity_within_the_stock(pm, project_for, make_resource, book, on_booking):
    projectors = make_resource("激光投影仪", kind="equipment", stock=10, unit_label="台", pricing_unit="unit_day",
                               unit_price=Decimal("800.00"))
    mine = book(pm, project_for(pm), projectors, T0, T0 + 8 * H, quantity=6)
    book(pm, project_for(pm), projectors, T0, T0 + 8 * H, quantity=3)
    assert on_booking(pm, bookings.change, mine.id, {"quantity": 7}).total == Decimal("5936.00")
    with pytest.raises(Conflict) as short:
        on_booking(pm, bookings.change, mine.id, {"quantity": 8})
    assert short.value.field == "quantity"
