"""Tentative holds that lapse, and the waiting list that moves up when a slot comes free."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.db.types import utcnow
from core.errors import Conflict, DomainError
from core.notify.models import InboxMessage
from core.services import scheduler
from core.services.settings import set_value
from plugins.resources.models import Booking, Occupancy
from plugins.resources.operations import booking as bookings
from plugins.resources.operations.holds import expire_holds
from plugins.resources.tests.conftest import T0, H


def lapse(db, *booking_ids):
    """Move the clock: the holds' expiry is now behind us."""
    db.execute(update(Booking).where(Booking.id.in_(booking_ids))
               .values(hold_expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()


def status_of(db, booking_id):
    booking = db.get(Booking, booking_id)
    db.refresh(booking)
    db.commit()
    return booking.status, booking.rank


def test_a_hold_keeps_the_slot_for_the_configured_hours(db, pm, project_for, hall, book):
    set_value(db, "resources.hold_hours", "24")
    db.commit()
    held = book(pm, project_for(pm), hall, T0, T0 + 4 * H, hold=True)
    assert held.status == "held"
    assert timedelta(hours=23, minutes=59) < held.hold_expires_at - utcnow() <= timedelta(hours=24)
    with pytest.raises(Conflict):
        book(pm, project_for(pm), hall, T0, T0 + 4 * H)


def test_a_confirmed_hold_goes_to_approval(pm, manager, project_for, hall, book, on_booking, events):
    held = book(pm, project_for(pm), hall, T0, T0 + 4 * H, hold=True)
    asked = on_booking(pm, bookings.confirm_hold, held.id)
    assert asked.status == "requested" and asked.hold_expires_at is None
    assert on_booking(manager, bookings.approve, held.id).status == "confirmed"
    assert len(events["resources.booking_confirmed"]) == 1


def test_a_lapsed_hold_cannot_be_confirmed_and_expires(db, pm, project_for, hall, book, on_booking, as_user,
                                                      events):
    held = book(pm, project_for(pm), hall, T0, T0 + 4 * H, hold=True)
    kept = book(pm, project_for(pm), hall, T0 + 5 * H, T0 + 6 * H, hold=True)
    lapse(db, held.id)
    with pytest.raises(DomainError) as too_late:
        on_booking(pm, bookings.confirm_hold, held.id)
    assert too_late.value.field == "status"
    assert as_user(None, expire_holds).holds == 1
    assert status_of(db, held.id) == ("expired", 1) and status_of(db, kept.id) == ("held", 1)
    assert db.scalars(select(Occupancy.booking_id)).all() == [kept.id]
    db.commit()
    lapsed = events["resources.booking_cancelled"][0]
    assert (lapsed["code"], lapsed["old_status"], lapsed["status"]) == (held.code, "held", "expired")


def test_the_scheduled_job_expires_holds(db, kernel, pm, project_for, hall, book):
    held = book(pm, project_for(pm), hall, T0, T0 + 4 * H, hold=True)
    lapse(db, held.id)
    job = kernel.jobs["resources.expire_holds"]
    assert job.cron == "*/5 * * * *"
    scheduler.run_now(kernel, job.name)
    assert status_of(db, held.id) == ("expired", 1)


def test_a_request_on_a_taken_slot_may_wait_in_line(db, pm, project_for, hall, book):
    first = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    second = book(pm, project_for(pm), hall, T0 + H, T0 + 3 * H, waitlist=True)
    third = book(pm, project_for(pm), hall, T0 + 2 * H, T0 + 5 * H, waitlist=True)
    elsewhere = book(pm, project_for(pm), hall, T0 + 48 * H, T0 + 50 * H, waitlist=True)
    assert [(b.status, b.rank) for b in (first, second, third)] == [
        ("requested", 1), ("waitlisted", 2), ("waitlisted", 3)]
    assert (elsewhere.status, elsewhere.rank) == ("requested", 1)  # free: no need to wait
    assert db.scalars(select(Occupancy.booking_id).order_by(Occupancy.booking_id)).all() == [
        first.id, elsewhere.id]
    db.commit()


def test_when_the_first_option_goes_the_best_ranked_waiter_is_promoted_and_told(
        db, make_user, pm, project_for, hall, book, on_booking, events):
    li = make_user("lina", roles=["project_manager"])
    first = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    second = book(li, project_for(li), hall, T0, T0 + 4 * H, waitlist=True)
    third = book(pm, project_for(pm), hall, T0 + H, T0 + 2 * H, waitlist=True)

    on_booking(pm, bookings.cancel, first.id, "活动取消")
    assert status_of(db, second.id) == ("held", 1) and status_of(db, third.id) == ("waitlisted", 3)
    promoted = db.get(Booking, second.id)
    assert promoted.hold_expires_at > utcnow() + timedelta(hours=47)
    assert db.scalars(select(Occupancy.booking_id)).all() == [second.id]
    inbox = db.scalars(select(InboxMessage).where(InboxMessage.user_id == li.id)).all()
    assert len(inbox) == 1 and second.code in inbox[0].title and "国际会议厅" in inbox[0].body
    db.commit()
    assert events["resources.booking_promoted"] == [{
        "booking_id": second.id, "code": second.code, "project_id": second.project_id,
        "resource_id": hall.id, "owner_id": li.id}]

    lapse(db, second.id)  # li never confirmed: the next in line gets it
    expire_holds(db)
    db.commit()
    assert status_of(db, second.id) == ("expired", 1) and status_of(db, third.id) == ("held", 1)


def test_a_waiter_whose_window_still_does_not_fit_keeps_waiting(db, pm, project_for, hall, book, on_booking):
    first = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    book(pm, project_for(pm), hall, T0 + 4 * H, T0 + 8 * H)
    long_one = book(pm, project_for(pm), hall, T0 + 2 * H, T0 + 6 * H, waitlist=True)
    on_booking(pm, bookings.cancel, first.id, "改期")
    assert status_of(db, long_one.id) == ("waitlisted", 2)


def test_shrinking_a_booking_promotes_who_fits_in_what_it_freed(db, pm, project_for, hall, book, on_booking):
    day = book(pm, project_for(pm), hall, T0, T0 + 10 * H)
    evening = book(pm, project_for(pm), hall, T0 + 6 * H, T0 + 9 * H, waitlist=True)
    on_booking(pm, bookings.change, day.id, {"ends_at": T0 + 5 * H})
    assert status_of(db, evening.id) == ("held", 1)


def test_waiting_bookings_whose_window_began_lapse(db, pm, project_for, hall, book, as_user):
    book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    waiter = book(pm, project_for(pm), hall, T0, T0 + 4 * H, waitlist=True)
    assert as_user(None, expire_holds, now=T0 + H).waiting == 1
    assert status_of(db, waiter.id) == ("expired", 2)
