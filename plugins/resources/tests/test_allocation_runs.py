"""Allocating from the database: hand-made cases whose best answer is known, proposed, stored and applied."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, ValidationFailed
from core.security.principal import act_as, load_principal
from plugins.resources.models import AllocationRun, Booking, Layout, Package, ResourceNeed
from plugins.resources.operations import allocation_apply, allocation_runs, maintenance, needs
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H


@pytest.fixture
def venue(make_resource):
    """``venue("中厅", 120, 6000)``: a hall seating that many as a theatre, at that price a day."""

    def make(name, seats, price, banquet=None, **more):
        layouts = [Layout(layout="theatre", capacity=seats)]
        if banquet:
            layouts.append(Layout(layout="banquet", capacity=banquet))
        return make_resource(name, unit_price=Decimal(price), pricing_unit="day", city="杭州", layouts=layouts,
                             **more)

    return make


@pytest.fixture
def need(as_user):
    """``need(user, project, "主会场", guests=40)``: an open hall need, 09:00-12:00 on T0's day by default."""

    def make(user, project_id, name, kind="venue", start=T0, end=T0 + 3 * H, **more):
        data = {"project_id": project_id, "name": name, "kind": kind, "starts_at": start, "ends_at": end, **more}
        return as_user(user, needs.create_need, data)

    return make


@pytest.fixture
def propose(as_user):
    return lambda user, **scope: as_user(user, allocation_runs.propose, scope)


@pytest.fixture
def apply(kernel):
    """``apply(user, run_id)`` as the admin and the API do: committed, and committed too when refused (stale)."""

    def run(user, run_id):
        with kernel.session.session_factory(expire_on_commit=False) as s:
            act_as(s, load_principal(s, user.id))
            try:
                done = allocation_apply.apply_run(s, allocation_runs.get_run(s, run_id))
            except Conflict:
                s.commit()
                raise
            s.commit()
            return done

    return run


def fresh(db, model, ident):
    """The row as the database holds it now (the test session may remember an older one)."""
    row = db.execute(select(model).where(model.id == ident).execution_options(populate_existing=True)).scalar_one()
    db.commit()
    return row


def given(run) -> dict:
    """{request label: resource name} of a stored proposal."""
    labels = {r["key"]: r["name"] for r in run.result["requests"]}
    names = {int(k): v["name"] for k, v in run.result["resources"].items()}
    return {labels[a["key"]]: names[a["resource_id"]] for a in run.result["assignments"]}


def refusals(run) -> dict:
    """{request label: [reason codes]} of the requests a proposal cannot serve."""
    labels = {r["key"]: r["name"] for r in run.result["requests"]}
    return {labels[u["key"]]: [r["code"] for r in u["reasons"]] for u in run.result["unserved"]}


def count(db, model) -> int:
    found = db.scalar(select(func.count()).select_from(model))
    db.commit()
    return found


def test_forty_guests_get_the_smallest_adequate_hall(pm, project_for, venue, need, propose):
    venue("大礼堂", 500, 20000)
    venue("中厅", 120, 6000)
    venue("小会议室", 30, 2000)
    project = project_for(pm)
    need(pm, project, "研讨会", guests=40, layout="theatre")
    run = propose(pm, project_id=project)
    assert run.status == "proposed" and run.mode == "project" and (run.served, run.unserved) == (1, 0)
    assert given(run) == {"研讨会": "中厅"}
    (line,) = run.result["assignments"]
    assert (line["fee"], line["idle"]) == ("6000.00", 80)
    assert [r["code"] for r in line["reasons"]] == ["fits_seats", "best"]
    figures = run.result["figures"]
    assert (figures["served"], figures["cost"], figures["idle"], figures["status"]) == (1, "6000.00", 80, "optimal")
    assert figures["gap"] == 0.0 and figures["weight_bound"] == figures["weight"] == 1


def test_the_important_project_wins_the_one_hall(pm, manager, project_for, venue, need, propose):
    venue("国际会议厅", 300, 20000)
    training = project_for(pm, name="销售培训")
    launch = project_for(pm, name="新品发布会")
    need(pm, training, "培训教室", guests=80, weight=1)
    need(pm, launch, "发布会主场", guests=250, weight=5, start=T0 + H, end=T0 + 5 * H)
    run = propose(manager, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H, kinds=["venue"])
    assert given(run) == {"发布会主场": "国际会议厅"}
    assert refusals(run) == {"培训教室": ["all_taken"]}
    (unserved,) = allocation_runs.lines(run)[1]
    assert "given to 新品发布会 · 发布会主场" in unserved.text
    assert (run.result["figures"]["weight"], run.result["figures"]["weight_total"]) == (5, 6)


def test_a_combined_hall_and_its_parts_block_each_other(pm, project_for, venue, need, propose, book):
    east, west = venue("东厅", 150, 8000), venue("西厅", 150, 8000)
    both = venue("东西厅", 300, 15000, parts=[east, west])
    project = project_for(pm)
    taken = book(pm, project, east, T0, T0 + 8 * H)
    need(pm, project, "年会", guests=280)
    need(pm, project, "分会场", guests=100)
    run = propose(pm, project_id=project)
    assert given(run) == {"分会场": "西厅"}
    assert refusals(run) == {"年会": ["all_taken"]}
    (line,) = allocation_runs.lines(run)[1]
    assert f"shares space with R-0001 东厅, busy 2030-06-03 09:00–17:00 ({taken.code})" in line.text
    # and the other way round: the combined hall booked in the evening takes both its halls
    gala = book(pm, project, both, T0 + 9 * H, T0 + 13 * H)
    need(pm, project, "晚间分会", guests=100, start=T0 + 10 * H, end=T0 + 12 * H)
    evening = propose(pm, project_id=project)
    assert refusals(evening)["晚间分会"] == ["all_taken"]
    (late,) = [x for x in allocation_runs.lines(evening)[1] if x.request["name"] == "晚间分会"]
    for hall in ("R-0001 东厅", "R-0002 西厅"):
        assert f"{hall}: busy 2030-06-03 18:00–22:00 ({gala.code})" in late.text


def test_a_maintenance_window_sends_the_meeting_to_the_dearer_hall(pm, manager, project_for, venue, need, propose,
                                                                   as_user):
    cheap = venue("经济厅", 200, 5000)
    venue("贵宾厅", 200, 9000)
    as_user(manager, maintenance.create_window, {"resource_id": cheap.id, "starts_at": T0 - H,
                                                 "ends_at": T0 + 2 * H, "reason": "地毯更换"})
    project = project_for(pm)
    need(pm, project, "董事会", guests=20)
    run = propose(pm, project_id=project)
    assert given(run) == {"董事会": "贵宾厅"}
    (line,) = allocation_runs.lines(run)[0]
    assert "R-0001 经济厅 (cheaper) passed over: busy 2030-06-03 08:00–11:00 (maintenance: 地毯更换)." in line.text


def test_what_cannot_be_served_says_why(pm, project_for, venue, make_resource, need, propose):
    venue("国际会议厅", 300, 20000, banquet=200)
    make_resource("西湖礼宾车队", kind="generic", stock=4, capacity=7, city="杭州")
    project = project_for(pm)
    need(pm, project, "万人大会", guests=600)
    need(pm, project, "乐队", kind="troupe")
    need(pm, project, "北京分会场", guests=50, city="北京")
    need(pm, project, "课堂", guests=20, layout="classroom")
    need(pm, project, "接驳车", kind="generic", quantity=2, guests=30, match="礼宾车")
    need(pm, project, "游艇", kind="generic", match="游艇")
    run = propose(pm, project_id=project)
    assert run.served == 0
    assert refusals(run) == {"万人大会": ["too_small"], "乐队": ["nothing_of_kind"], "北京分会场": ["none_in_city"],
                             "课堂": ["no_layout"], "接驳车": ["too_few_seats"], "游艇": ["no_match"]}
    texts = {x.request["name"]: x.text for x in allocation_runs.lines(run)[1]}
    assert texts["万人大会"] == "No resource is large enough: 600 seats needed, the largest has 300."
    assert texts["乐队"] == "No resource of the kind Performance troupe is available for booking."
    assert texts["课堂"] == "No hall there is set up as Classroom."
    assert texts["接驳车"] == "30 people do not fit in 2 of any of them: the largest takes 7 each."


def test_equipment_is_matched_by_a_word_of_its_name(pm, manager, project_for, make_resource, need, propose, book):
    make_resource("无线手持麦克风", kind="equipment", stock=20, unit_price=Decimal(80), city="杭州")
    projectors = make_resource("激光投影机", kind="equipment", stock=6, unit_price=Decimal(600), city="杭州")
    project = project_for(pm)
    need(pm, project, "投影", kind="equipment", quantity=4, match="投影机")
    taken = book(pm, project, projectors, T0, T0 + 4 * H, quantity=3)
    run = propose(manager, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H)
    assert given(run) == {taken.code: "激光投影机"}  # a pending booking of equipment stays on its item
    assert refusals(run) == {"投影": ["all_taken"]}  # 3 of 6 are out: 4 do not fit
    (line,) = allocation_runs.lines(run)[1]
    assert "only 3 of 6 free at that time" in line.text


def test_applying_books_exactly_what_was_proposed(db, pm, project_for, venue, need, propose, apply):
    medium = venue("中厅", 120, 6000)
    small = venue("小会议室", 30, 2000, auto_approve=True)
    project = project_for(pm)
    seminar = need(pm, project, "研讨会", guests=40, notes="需要投影")
    talk = need(pm, project, "小组讨论", guests=12)
    run = propose(pm, project_id=project)
    assert given(run) == {"研讨会": "中厅", "小组讨论": "小会议室"}
    done = apply(pm, run.id)
    assert sorted((d.action, d.booking.resource_id, d.booking.status) for d in done) == [
        ("booked", medium.id, "requested"), ("booked", small.id, "confirmed")]
    booked = {n.name: (n.status, n.booking_id) for n in db.scalars(select(ResourceNeed))}
    by_resource = {b.resource_id: b for b in db.scalars(select(Booking))}
    assert booked == {"研讨会": ("booked", by_resource[medium.id].id), "小组讨论": ("booked", by_resource[small.id].id)}
    assert by_resource[medium.id].notes == "需要投影" and by_resource[medium.id].guests == 40
    stored = fresh(db, AllocationRun, run.id)
    assert stored.status == "applied" and stored.applied_by_id == pm.id and stored.applied_at
    with pytest.raises(Conflict):
        apply(pm, run.id)  # once only
    assert count(db, Booking) == 2
    assert (seminar.id, talk.id) == tuple(sorted((seminar.id, talk.id)))


def test_applying_after_someone_booked_meanwhile_writes_nothing(db, pm, project_for, venue, need, propose, apply,
                                                                 book, make_user):
    hall = venue("中厅", 120, 6000)
    venue("小会议室", 30, 2000)
    project = project_for(pm)
    need(pm, project, "研讨会", guests=40)
    need(pm, project, "小组讨论", guests=12)
    run = propose(pm, project_id=project)
    rival = make_user("lina", roles=["project_manager"])
    theirs = book(rival, project_for(rival, name="竞品发布"), hall, T0 + H, T0 + 2 * H)
    with pytest.raises(Conflict) as refused:
        apply(pm, run.id)
    message = str(refused.value.message)
    assert "nothing was booked" in message and "研讨会" in message and theirs.code in message
    assert count(db, Booking) == 1
    assert {n.status for n in db.scalars(select(ResourceNeed))} == {"open"}
    stored = fresh(db, AllocationRun, run.id)
    assert stored.status == "stale" and theirs.code in stored.problem
    again = propose(pm, project_id=project)
    assert given(again) == {"小组讨论": "小会议室"} and refusals(again) == {"研讨会": ["all_taken"]}


def test_a_held_booking_moves_to_make_room_and_applying_swaps_them(db, pm, manager, project_for, venue, need,
                                                                    propose, apply, book):
    big, small = venue("大厅", 300, 12000), venue("小厅", 120, 6000)
    party, summit = project_for(pm, name="客户答谢会"), project_for(pm, name="行业峰会")
    held = book(pm, party, big, T0, T0 + 4 * H, hold=True, guests=100)
    need(pm, summit, "主论坛", guests=260, weight=3)
    run = propose(manager, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H, kinds=["venue"])
    assert given(run) == {"主论坛": "大厅", held.code: "小厅"}
    line = next(x for x in allocation_runs.lines(run)[0] if x.request["booking_id"] == held.id)
    assert line.moved and line.was["name"] == "大厅" and line.text.startswith("Moved from R-0001 大厅")
    assert run.result["figures"]["moves"] == 1
    done = apply(manager, run.id)
    assert sorted(d.action for d in done) == ["booked", "moved"]
    moved = fresh(db, Booking, held.id)
    assert (moved.resource_id, moved.status) == (small.id, "held")
    new = db.scalar(select(Booking).where(Booking.id != held.id))
    assert (new.resource_id, new.project_id, new.guests) == (big.id, summit, 260)
    db.commit()


def test_a_held_booking_stays_where_it_is_when_nothing_is_gained(pm, manager, project_for, venue, propose, book):
    big = venue("大厅", 300, 6000)
    venue("小厅", 120, 5800)  # cheaper by less than the price of a move
    held = book(pm, project_for(pm), big, T0, T0 + 4 * H, hold=True, guests=100)
    run = propose(manager, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H)
    assert given(run) == {held.code: "大厅"}
    assert run.result["assignments"][0]["reasons"][0]["code"] == "stays"


def test_a_waiting_booking_is_offered_an_interchangeable_hall(db, pm, manager, project_for, venue, propose, apply,
                                                              book):
    first, other = venue("一号厅", 200, 8000), venue("二号厅", 200, 8000)
    book(pm, project_for(pm), first, T0, T0 + 4 * H, guests=150)
    waiting = book(pm, project_for(pm, name="经销商大会"), first, T0, T0 + 4 * H, guests=150, waitlist=True)
    assert waiting.status == "waitlisted"
    run = propose(manager, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H)
    assert given(run)[waiting.code] == "二号厅"
    apply(manager, run.id)
    offered = fresh(db, Booking, waiting.id)
    assert (offered.resource_id, offered.status, offered.rank) == (other.id, "held", 1)


def test_others_needs_stay_out_of_sight(pm, project_for, venue, need, propose, make_user, as_user):
    venue("中厅", 120, 6000)
    project = project_for(pm)
    need(pm, project, "研讨会", guests=40)
    other = make_user("lina", roles=["project_manager"])
    theirs = propose(other, starts_at=T0 - 24 * H, ends_at=T0 + 24 * H)
    assert theirs.result["requests"] == []
    with pytest.raises(ValidationFailed) as hidden:
        propose(other, project_id=project)
    assert hidden.value.field == "project_id"
    mine = propose(pm, project_id=project)
    with pytest.raises(Exception) as not_theirs:
        as_user(other, allocation_runs.get_run, mine.id)
    assert not_theirs.value.status == 404
    assert as_user(other, lambda s: s.scalars(select(ResourceNeed)).all()) == []


def test_a_need_reopens_when_its_booking_is_cancelled(db, pm, project_for, venue, need, propose, apply, as_user):
    venue("中厅", 120, 6000)
    project = project_for(pm)
    seminar = need(pm, project, "研讨会", guests=40)
    apply(pm, propose(pm, project_id=project).id)
    booking_id = fresh(db, ResourceNeed, seminar.id).booking_id
    as_user(pm, lambda s: bookings.cancel(s, bookings.get_booking(s, booking_id), "客户改期"))
    reopened = fresh(db, ResourceNeed, seminar.id)
    assert (reopened.status, reopened.booking_id) == ("open", None)


def test_a_caterers_services_of_one_day_add_up_in_a_proposal(db, pm, project_for, make_resource, need, propose,
                                                             apply):
    """Lunch for 300 and dinner for 150 the same day: the caterer serving 400 a day takes one, not both."""
    packages = lambda: [Package(name="商务餐", price_per_head=Decimal(150))]
    make_resource("粤味轩餐饮", kind="catering", stock=400, min_guests=50, pricing_unit="head", city="杭州",
                  unit_price=Decimal(150), packages=packages())
    make_resource("江南宴会", kind="catering", stock=300, min_guests=50, pricing_unit="head", city="杭州",
                  unit_price=Decimal(180), packages=packages())
    project = project_for(pm)
    need(pm, project, "午宴", kind="catering", start=T0 + 2.5 * H, end=T0 + 4.5 * H, guests=300)
    need(pm, project, "晚宴", kind="catering", start=T0 + 9 * H, end=T0 + 11.5 * H, guests=150)
    run = propose(pm, project_id=project)
    assert given(run) == {"午宴": "粤味轩餐饮", "晚宴": "江南宴会"}
    assert len(apply(pm, run.id)) == 2  # and the booking rule agrees: both are booked
