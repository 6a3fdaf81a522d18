"""Reaction to a change: an approved project change carries the project's bookings along, or flags them."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from core.db.types import utcnow
from core.events import outbox
from core.notify.models import InboxMessage
from core.testing import plugin_state
from plugins.project.models import ChangeRequest, Project
from plugins.project.operations import changes
from plugins.resources.models import Booking, Contract, Layout, Occupancy
from plugins.resources.operations import attention
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H

D = timedelta(days=1)
WEEK = 7 * D
TARGET = "event:resources.follow_project_change"


@pytest.fixture
def boss(make_user):
    """Approves change requests (someone other than the PM who raised them)."""
    return make_user("boss", roles=["project_manager", "executive"])


@pytest.fixture
def approve(as_user):
    """``approve(boss, change_id)``: committed, so the reaction has been delivered when it returns."""

    def run(boss, change_id):
        return as_user(boss, lambda s: changes.approve(s, s.get(ChangeRequest, change_id)))

    return run


@pytest.fixture
def change_project(as_user, approve):
    """``change_project(pm, boss, project_id, kind, proposed)`` -> the change request, raised and
    submitted by ``pm``, then approved by ``boss`` (unless ``approve=False``)."""

    def run(pm, boss, project_id, kind, proposed, approved=True):
        change = as_user(pm, lambda s: changes.create_change(s, s.get(Project, project_id), kind, proposed,
                                                              "客户董事会改期", submit=True))
        if approved:
            approve(boss, change.id)
        return change

    return run


def a_week_later(start=T0, end=T0 + 8 * H):
    return {"start_at": (start + WEEK).isoformat(), "end_at": (end + WEEK).isoformat()}


def banquet_hall(make_resource, name, capacity, price, **more):
    return make_resource(name, unit_price=Decimal(price), pricing_unit="day",
                         layouts=[Layout(layout="banquet", capacity=capacity)], **more)


def reload(db, booking_id) -> Booking:
    db.expire_all()
    return db.get(Booking, booking_id)


def notices(db, user):
    db.expire_all()
    return list(db.scalars(select(InboxMessage).where(InboxMessage.user_id == user.id,
                                                      InboxMessage.title.like("Bookings of %"))))


def test_a_time_change_moves_every_booking_and_tells_the_pm(db, pm, boss, manager, project_for, hall,
                                                            make_resource, book, on_booking, change_project):
    project = project_for(pm)
    led = make_resource("LED 屏", kind="equipment", stock=4, unit_label="块", pricing_unit="unit_day")
    dinner = book(pm, project, hall, T0, T0 + 8 * H, guests=280, layout="banquet")
    on_booking(manager, bookings.approve, dinner.id)
    screens = book(pm, project, led, T0 - 2 * H, T0 + 8 * H, quantity=2, hold=True)

    change = change_project(pm, boss, project, "time", a_week_later())

    dinner_now, screens_now = reload(db, dinner.id), reload(db, screens.id)
    assert (dinner_now.starts_at, dinner_now.ends_at, dinner_now.status) == (T0 + WEEK, T0 + WEEK + 8 * H, "confirmed")
    assert (screens_now.starts_at, screens_now.ends_at, screens_now.status) == (T0 + WEEK - 2 * H, T0 + WEEK + 8 * H,
                                                                                "held")
    assert {b.project_change_id for b in (dinner_now, screens_now)} == {change.id}
    assert not dinner_now.flagged and not screens_now.flagged
    assert db.scalars(select(Occupancy.starts_at).where(Occupancy.booking_id == dinner.id)).all() == [T0 + WEEK]
    assert [(c.revision, c.note) for c in dinner_now.contracts] == [(1, "Confirmed"), (2, "Changed")]

    [notice] = notices(db, pm)
    assert notice.title.endswith(f"after change #{change.id}: 2 moved, 0 need attention")
    assert dinner.code in notice.body and screens.code in notice.body and "→" in notice.body
    assert notice.link == f"/admin/project_changes/details/?id={change.id}"


def test_a_booking_that_no_longer_fits_keeps_its_slot_flagged_with_three_alternatives(
        db, pm, boss, project_for, hall, make_resource, book, change_project, client_as):
    project, other = project_for(pm), project_for(pm, name="2030 经销商年会")
    led = make_resource("LED 屏", kind="equipment", stock=4, pricing_unit="unit_day")
    dinner = book(pm, project, hall, T0, T0 + 8 * H, guests=280, layout="banquet")
    screens = book(pm, project, led, T0, T0 + 8 * H, quantity=2)
    in_the_way = book(pm, other, hall, T0 + WEEK, T0 + WEEK + 4 * H)
    banquet_hall(make_resource, "西湖厅", 300, "15000")
    banquet_hall(make_resource, "钱塘厅", 400, "12000")
    busy = banquet_hall(make_resource, "运河厅", 350, "9000")
    book(pm, other, busy, T0 + WEEK, T0 + WEEK + 8 * H)
    banquet_hall(make_resource, "小会议室", 100, "3000")
    banquet_hall(make_resource, "大宴会厅", 800, "30000")
    banquet_hall(make_resource, "云栖厅", 600, "18000")

    change = change_project(pm, boss, project, "time", a_week_later())

    kept = reload(db, dinner.id)
    assert (kept.starts_at, kept.ends_at, kept.status) == (T0, T0 + 8 * H, "requested")
    assert kept.flagged and kept.project_change_id == change.id
    assert in_the_way.code in kept.reason and f"change #{change.id}" in kept.reason
    assert [a["name"] for a in attention.alternatives_of(kept)] == ["西湖厅", "钱塘厅", "云栖厅"]
    assert [b.id for b in bookings.flagged_bookings(db, project)] == [dinner.id]
    assert db.scalars(select(Occupancy.starts_at).where(Occupancy.booking_id == dinner.id)).all() == [T0]
    assert reload(db, screens.id).starts_at == T0 + WEEK  # the others moved all the same

    [notice] = notices(db, pm)
    assert notice.title.endswith("1 moved, 1 need attention")
    assert "Free instead: 西湖厅" in notice.body and in_the_way.code in notice.body

    db.commit()  # SQLite: let go of the write lock before the requests
    api = client_as(pm)
    listed = api.get(f"/api/v1/resources/bookings?flagged=true&project_id={project}").get_json()
    assert [(b["code"], b["flagged"]) for b in listed] == [(dinner.code, True)]
    assert [a["name"] for a in listed[0]["alternatives"]] == ["西湖厅", "钱塘厅", "云栖厅"]
    assert listed[0]["alternatives"][0]["starts_at"] == (T0 + WEEK).isoformat()
    assert [b["code"] for b in api.get(f"/api/v1/resources/bookings?flagged=false&project_id={project}")
            .get_json()] == [screens.code]
    cleared = api.post(f"/api/v1/resources/bookings/{dinner.id}/clear-flag")
    assert cleared.status_code == 200 and cleared.get_json()["flagged"] is False
    assert cleared.get_json()["alternatives"] == []


def test_moving_a_flagged_booking_by_hand_clears_its_flag(db, pm, boss, project_for, hall, book, change_project,
                                                         on_booking):
    project, other = project_for(pm), project_for(pm, name="2030 经销商年会")
    dinner = book(pm, project, hall, T0, T0 + 8 * H)
    book(pm, other, hall, T0 + WEEK, T0 + WEEK + 4 * H)
    change_project(pm, boss, project, "time", a_week_later())
    assert reload(db, dinner.id).flagged
    db.commit()

    on_booking(pm, bookings.change, dinner.id, {"starts_at": T0 + WEEK + 5 * H, "ends_at": T0 + WEEK + 12 * H})
    moved = reload(db, dinner.id)
    assert not moved.flagged and moved.alternatives is None
    assert bookings.flagged_bookings(db, project) == []


def test_a_change_delivered_twice_moves_nothing_twice(db, kernel, pm, boss, manager, project_for, hall, book,
                                                    on_booking, change_project):
    project = project_for(pm)
    dinner = book(pm, project, hall, T0, T0 + 8 * H)
    on_booking(manager, bookings.approve, dinner.id)
    change_project(pm, boss, project, "time", a_week_later())
    message = db.scalar(select(outbox.OutboxMessage).where(outbox.OutboxMessage.target == TARGET))
    assert message.status == outbox.DELIVERED
    db.execute(update(outbox.OutboxMessage).where(outbox.OutboxMessage.id == message.id)
               .values(status=outbox.PENDING, next_attempt_at=utcnow()))
    db.commit()

    assert outbox.deliver(kernel, message.id) == outbox.DELIVERED
    again = reload(db, dinner.id)
    assert again.starts_at == T0 + WEEK
    assert db.scalar(select(func.count()).select_from(Contract).where(Contract.booking_id == dinner.id)) == 2
    assert len(notices(db, pm)) == 1


def test_two_days_of_one_hall_move_as_a_block_before_the_waiting_list_is_served(
        db, pm, boss, project_for, hall, book, change_project):
    project, other = project_for(pm), project_for(pm, name="2030 经销商年会")
    first = book(pm, project, hall, T0, T0 + 8 * H)
    second = book(pm, project, hall, T0 + D, T0 + D + 8 * H)
    waits_day_one = book(pm, other, hall, T0, T0 + 8 * H, waitlist=True)
    waits_day_two = book(pm, other, hall, T0 + D, T0 + D + 8 * H, waitlist=True)

    change_project(pm, boss, project, "time", {"start_at": (T0 + D).isoformat(),
                                               "end_at": (T0 + D + 8 * H).isoformat()})

    assert (reload(db, first.id).starts_at, reload(db, second.id).starts_at) == (T0 + D, T0 + 2 * D)
    assert not reload(db, first.id).flagged and not reload(db, second.id).flagged
    assert reload(db, waits_day_one.id).status == "held"  # day one came free
    assert reload(db, waits_day_two.id).status == "waitlisted"  # day two is the project's again


def test_a_waiting_booking_waits_for_the_new_date_and_gets_it_when_free(db, pm, boss, project_for, hall, book,
                                                                       change_project):
    project, other = project_for(pm), project_for(pm, name="2030 经销商年会")
    book(pm, other, hall, T0, T0 + 8 * H)
    waiting = book(pm, project, hall, T0, T0 + 8 * H, waitlist=True)
    assert waiting.status == "waitlisted"

    change_project(pm, boss, project, "time", a_week_later())

    moved = reload(db, waiting.id)
    assert (moved.starts_at, moved.status, moved.rank) == (T0 + WEEK, "held", 1)


def test_a_booking_after_the_projects_new_end_is_flagged(db, pm, boss, project_for, make_resource, book,
                                                        change_project):
    project = project_for(pm)
    car = make_resource("商务车", kind="generic", capacity=7, pricing_unit="day")
    morning = book(pm, project, car, T0, T0 + 3 * H)
    evening = book(pm, project, car, T0 + 6 * H, T0 + 8 * H)
    change_project(pm, boss, project, "time", {"end_at": (T0 + 4 * H).isoformat()})
    assert not reload(db, morning.id).flagged
    late = reload(db, evening.id)
    assert late.flagged and late.starts_at == T0 + 6 * H and "after the project's new end" in late.reason
    assert notices(db, pm)[0].title.endswith("0 moved, 1 need attention")


def test_the_preview_tells_what_would_move_and_what_would_not_and_writes_nothing(
        db, pm, boss, project_for, hall, make_resource, book, change_project):
    project, other = project_for(pm), project_for(pm, name="2030 经销商年会")
    led = make_resource("LED 屏", kind="equipment", stock=4, pricing_unit="unit_day")
    dinner = book(pm, project, hall, T0, T0 + 8 * H)
    screens = book(pm, project, led, T0, T0 + 8 * H, quantity=2)
    in_the_way = book(pm, other, hall, T0 + WEEK, T0 + WEEK + 4 * H)
    versions = {b.id: b.version for b in db.scalars(select(Booking))}
    db.commit()

    change = change_project(pm, boss, project, "time", a_week_later(), approved=False)

    lines = change.impact["other"]["resources"]
    assert len(lines) == 2
    assert lines[0].startswith(dinner.code) and "cannot move" in lines[0] and in_the_way.code in lines[0]
    assert lines[1].startswith(screens.code) and "moves to 2030-06-10 09:00–17:00" in lines[1]
    db.expire_all()
    assert {b.id: b.version for b in db.scalars(select(Booking))} == versions
    assert not db.scalar(select(func.count()).select_from(Booking).where(Booking.flagged.is_(True)))


def test_with_resources_disabled_an_approved_change_leaves_the_bookings_alone(db, kernel, pm, boss, project_for, hall,
                                                                             book, change_project):
    project = project_for(pm)
    dinner = book(pm, project, hall, T0, T0 + 8 * H)
    with plugin_state(kernel, "resources", False):
        change = change_project(pm, boss, project, "time", a_week_later())
    assert "resources" not in change.impact["other"]
    assert reload(db, dinner.id).starts_at == T0 and reload(db, dinner.id).project_change_id is None
    assert db.scalar(select(func.count()).select_from(outbox.OutboxMessage)
                     .where(outbox.OutboxMessage.target == TARGET)) == 0
    assert notices(db, pm) == []


def test_a_new_city_flags_bookings_there_with_halls_at_the_new_venue_first(
        db, pm, boss, project_for, make_resource, book, change_project):
    project = project_for(pm)  # in 杭州
    hangzhou = banquet_hall(make_resource, "西湖厅", 400, "15000", city="杭州")
    troupe = make_resource("江南丝竹乐团", kind="troupe", pricing_unit="event")  # travels: no city
    dinner = book(pm, project, hangzhou, T0, T0 + 8 * H, guests=280, layout="banquet")
    show = book(pm, project, troupe, T0 + 5 * H, T0 + 6 * H)
    banquet_hall(make_resource, "浦江厅", 300, "9000", city="上海", location="外滩某酒店 3F")
    banquet_hall(make_resource, "明珠厅", 500, "25000", city="上海", location="上海国际会议中心 7F")
    banquet_hall(make_resource, "黄浦厅", 200, "8000", city="上海")  # too small
    banquet_hall(make_resource, "钱塘厅", 600, "5000", city="杭州")  # the old city

    change = change_project(pm, boss, project, "venue", {"city": "上海", "venue": "上海国际会议中心"})

    kept = reload(db, dinner.id)
    assert kept.flagged and (kept.starts_at, kept.resource_id) == (T0, hangzhou.id)  # nothing moved by itself
    assert "西湖厅 is in 杭州, and the project moves to 上海." in kept.reason
    assert [a["name"] for a in attention.alternatives_of(kept)] == ["明珠厅", "浦江厅"]
    assert not reload(db, show.id).flagged and reload(db, show.id).project_change_id == change.id
    [notice] = notices(db, pm)
    assert notice.title.endswith("0 moved, 1 need attention") and "明珠厅" in notice.body


def test_a_new_venue_in_the_same_city_flags_the_halls_not_there(db, pm, boss, project_for, make_resource, book,
                                                               change_project, approve):
    project = project_for(pm)
    old_hall = banquet_hall(make_resource, "宴会厅", 400, "15000", city="杭州", location="西湖国宾馆 1F")
    new_hall = banquet_hall(make_resource, "国际厅", 400, "15000", city="杭州", location="杭州国际博览中心 2F")
    stays = book(pm, project, new_hall, T0, T0 + 4 * H)
    moves = book(pm, project, old_hall, T0 + 4 * H, T0 + 8 * H)

    change = change_project(pm, boss, project, "venue", {"venue": "杭州国际博览中心"}, approved=False)
    [line] = change.impact["other"]["resources"]
    assert line.startswith(moves.code) and "not at 杭州国际博览中心" in line
    assert not reload(db, moves.id).flagged  # the preview writes nothing
    db.commit()

    approve(boss, change.id)
    assert reload(db, moves.id).flagged and "not at 杭州国际博览中心" in reload(db, moves.id).reason
    assert [a["name"] for a in attention.alternatives_of(reload(db, moves.id))] == ["国际厅"]  # free by then
    assert not reload(db, stays.id).flagged
