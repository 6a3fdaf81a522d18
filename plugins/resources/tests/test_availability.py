"""Availability: what is free for a window and a need, how much of it, and what is in the way."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from core.db.driver import DriverStatement
from core.errors import ValidationFailed
from core.security.record_rules import RecordRule
from plugins.resources.models import Layout, Maintenance, Occupancy, Resource
from plugins.resources.operations import availability, occupancy
from plugins.resources.operations.availability import Need
from plugins.resources.tests.conftest import T0, H


def book(db, raw_booking, resource, start, end, quantity=1):
    booking = raw_booking(resource, start, end, quantity)
    occupancy.occupy_booking(db, booking)
    db.commit()
    return booking


def hall(make_resource, name, *, layouts=None, **values):
    resource = make_resource(name, **values)
    resource.layouts = [Layout(layout=k, capacity=v) for k, v in (layouts or {}).items()]
    return resource


def found(db, **need) -> dict:
    """``{code: option}`` for a need given as keywords (window defaults to T0 .. T0 + 4h)."""
    need.setdefault("starts_at", T0)
    need.setdefault("ends_at", T0 + 4 * H)
    return {o.code: o for o in availability.search(db, Need(**need))}


def test_stocked_units_left_are_stock_minus_the_peak_in_the_window(db, make_resource, raw_booking):
    projectors = make_resource("激光投影仪", kind="equipment", stock=10, code="EQP-0001")
    book(db, raw_booking, projectors, T0, T0 + 3 * H, quantity=4)           # 09:00-12:00
    book(db, raw_booking, projectors, T0 + 2 * H, T0 + 5 * H, quantity=3)   # 11:00-14:00: 7 at 11:00-12:00
    book(db, raw_booking, projectors, T0 + 4 * H, T0 + 6 * H, quantity=2)   # 13:00-15:00: 5 at 13:00-14:00
    whole = found(db, kind="equipment", starts_at=T0, ends_at=T0 + 6 * H)["EQP-0001"]
    assert (whole.remaining, whole.free) == (3, True)
    assert found(db, kind="equipment", starts_at=T0, ends_at=T0 + 6 * H, quantity=4)["EQP-0001"].free is False
    late = found(db, kind="equipment", starts_at=T0 + 3 * H, ends_at=T0 + 6 * H)["EQP-0001"]
    assert late.remaining == 5  # 12:00-15:00 sees at most 3 + 2 at once
    assert [b.booking_code for b in late.blockers] == ["BK-T-0002", "BK-T-0003"]


def test_back_to_back_bookings_leave_the_whole_stock(db, make_resource, raw_booking):
    chairs = make_resource("宴会椅", kind="equipment", stock=300, code="EQP-0002")
    book(db, raw_booking, chairs, T0 - 4 * H, T0, quantity=300)
    book(db, raw_booking, chairs, T0 + 4 * H, T0 + 8 * H, quantity=300)
    option = found(db, kind="equipment", quantity=300)["EQP-0002"]
    assert (option.remaining, option.free, option.blockers) == (300, True, [])


def test_maintenance_takes_its_quantity_or_the_whole_stock(db, make_resource):
    radios = make_resource("对讲机", kind="equipment", stock=20, code="EQP-0003")
    some = Maintenance(resource=radios, starts_at=T0, ends_at=T0 + 2 * H, quantity=5, reason="电池更换")
    db.add(some)
    db.flush()
    occupancy.occupy_maintenance(db, some)
    db.commit()
    option = found(db, kind="equipment")["EQP-0003"]
    assert option.remaining == 15
    assert [b.label for b in option.blockers] == ["Maintenance (电池更换)"]
    whole = Maintenance(resource=radios, starts_at=T0 + 3 * H, ends_at=T0 + 5 * H)
    db.add(whole)
    db.flush()
    occupancy.occupy_maintenance(db, whole)
    db.commit()
    assert found(db, kind="equipment")["EQP-0003"].remaining == 0


def test_a_long_maintenance_window_reaching_into_the_search_blocks(db, make_resource):
    """Rows longer than a week are found through their own index: they must not be missed."""
    stage = make_resource("移动舞台", kind="equipment", stock=2, code="EQP-0004")
    window = Maintenance(resource=stage, starts_at=T0 - 30 * 24 * H, ends_at=T0 + 30 * 24 * H, quantity=1,
                         reason="返厂大修")
    db.add(window)
    db.flush()
    occupancy.occupy_maintenance(db, window)
    db.commit()
    option = found(db, kind="equipment")["EQP-0004"]
    assert (option.remaining, option.blocked_by) == (1, "Maintenance (返厂大修)")


def test_halls_too_small_for_the_guests_in_that_layout_are_left_out(db, make_resource):
    hall(make_resource, "大宴会厅", code="VEN-0001", layouts={"theatre": 800, "banquet": 400}, unit_price=30000)
    hall(make_resource, "多功能厅", code="VEN-0002", layouts={"theatre": 350, "banquet": 200}, unit_price=12000)
    hall(make_resource, "董事会议室", code="VEN-0003", layouts={"boardroom": 24}, unit_price=3000)
    db.commit()
    banquet = availability.search(db, Need(T0, T0 + 4 * H, kind="venue", layout="banquet", guests=300))
    assert [(o.code, o.capacity) for o in banquet] == [("VEN-0001", 400)]
    theatre = availability.search(db, Need(T0, T0 + 4 * H, kind="venue", layout="theatre", guests=300))
    assert [(o.code, o.capacity) for o in theatre] == [("VEN-0002", 350), ("VEN-0001", 800)]  # smallest first
    anything = availability.search(db, Need(T0, T0 + 4 * H, kind="venue", guests=20))
    assert [o.code for o in anything] == ["VEN-0003", "VEN-0002", "VEN-0001"]  # by largest capacity each


def test_equal_halls_come_cheapest_first_and_taken_ones_last(db, make_resource, raw_booking):
    dear = hall(make_resource, "贵宾厅A", code="VEN-0011", layouts={"theatre": 100}, unit_price=9000)
    hall(make_resource, "贵宾厅B", code="VEN-0012", layouts={"theatre": 100}, unit_price=6000)
    cheap = hall(make_resource, "贵宾厅C", code="VEN-0013", layouts={"theatre": 100}, unit_price=5000)
    db.commit()
    book(db, raw_booking, cheap, T0 + H, T0 + 2 * H)
    options = availability.search(db, Need(T0, T0 + 4 * H, kind="venue", layout="theatre", guests=80))
    assert [(o.code, o.free) for o in options] == [("VEN-0012", True), ("VEN-0011", True), ("VEN-0013", False)]
    assert options[2].blocked_by == "BK-T-0001" and options[2].remaining == 0
    assert dear.id == options[1].resource_id


def test_a_combined_hall_and_its_parts_block_each_other(db, make_resource, raw_booking):
    a, b = make_resource("A厅", code="VEN-0021"), make_resource("B厅", code="VEN-0022")
    make_resource("AB厅", code="VEN-0023", parts=[a, b])
    make_resource("C厅", code="VEN-0024")
    book(db, raw_booking, a, T0, T0 + 2 * H)
    free = {code: o.free for code, o in found(db, kind="venue").items()}
    assert free == {"VEN-0021": False, "VEN-0022": True, "VEN-0023": False, "VEN-0024": True}
    assert found(db, kind="venue")["VEN-0023"].blocked_by == "BK-T-0001"


def test_a_combined_booking_is_named_once_on_the_combined_hall(db, make_resource, raw_booking):
    a, b = make_resource("A厅", code="VEN-0031"), make_resource("B厅", code="VEN-0032")
    ab = make_resource("AB厅", code="VEN-0033", parts=[a, b])
    booking = book(db, raw_booking, ab, T0, T0 + 2 * H)
    options = found(db, kind="venue")
    assert [x.booking_code for x in options["VEN-0033"].blockers] == [booking.code]
    assert not options["VEN-0031"].free and not options["VEN-0032"].free


def test_buffers_widen_the_window_each_resource_is_checked_for(db, make_resource, raw_booking):
    dressed = make_resource("需布场的宴会厅", code="VEN-0041", setup_minutes=120, teardown_minutes=60)
    plain = make_resource("无需布场的会议室", code="VEN-0042")
    book(db, raw_booking, dressed, T0 - 4 * H, T0 - 3 * H)  # 05:00-06:00, its tear-down ends at 07:00
    book(db, raw_booking, plain, T0 - 4 * H, T0 - 3 * H)
    # 10:00-12:00: the dressed hall needs 08:00-13:00; the plain room 10:00-12:00
    options = found(db, kind="venue", starts_at=T0 + H, ends_at=T0 + 3 * H)
    assert options["VEN-0041"].free and options["VEN-0041"].occupied_from == T0 - H
    # 09:00-10:00: the dressed hall would need 07:00 on: free only because tear-down ends then
    assert found(db, kind="venue", starts_at=T0, ends_at=T0 + H)["VEN-0041"].free
    clash = found(db, kind="venue", starts_at=T0 - timedelta(minutes=30), ends_at=T0 + H)
    assert not clash["VEN-0041"].free and clash["VEN-0042"].free


def test_retired_are_left_out_and_under_maintenance_are_not_free(db, make_resource):
    make_resource("旧音响", kind="equipment", code="EQP-0051", status="retired")
    make_resource("检修中的LED屏", kind="equipment", code="EQP-0052", status="maintenance")
    options = found(db, kind="equipment")
    assert list(options) == ["EQP-0052"]
    assert (options["EQP-0052"].free, options["EQP-0052"].unavailable) == (False, "Under maintenance")


def test_city_ids_and_caterer_guests_narrow_the_search(db, make_resource):
    make_resource("西湖厅", code="VEN-0061", city="杭州")
    shanghai = make_resource("黄浦厅", code="VEN-0062", city="上海")
    make_resource("杭帮菜馆", kind="catering", code="CAT-0001", stock=500, min_guests=50, city="杭州")
    make_resource("小型茶歇", kind="catering", code="CAT-0002", stock=80, city="杭州")
    assert list(found(db, kind="venue", city="杭州")) == ["VEN-0061"]
    assert list(found(db, resource_ids=(shanghai.id,))) == ["VEN-0062"]
    assert list(found(db, kind="catering", guests=120)) == ["CAT-0001"]  # 80 too few, and 50 is its minimum
    assert list(found(db, kind="catering", guests=30)) == ["CAT-0002"]
    assert found(db, kind="catering", guests=120)["CAT-0001"].units == 120


def test_a_bad_need_is_refused_naming_the_field(db):
    cases = [
        (Need(T0, T0, kind="venue"), "ends_at"),
        (Need(T0.replace(tzinfo=None), T0 + H), "starts_at"),
        (Need(T0, T0 + H, kind="spaceship"), "kind"),
        (Need(T0, T0 + H, layout="circus"), "layout"),
        (Need(T0, T0 + H, guests=0), "guests"),
        (Need(T0, T0 + H, quantity=0), "quantity"),
        (Need(T0, T0 + 400 * 24 * H), "ends_at"),
    ]
    for need, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            availability.search(db, need)
        assert refused.value.field == field, need


def test_the_search_runs_a_fixed_number_of_queries(db, make_resource, raw_booking, kernel, monkeypatch):
    """One for the candidates (with their parts), one for what is in their way (with the reasons);
    on PostgreSQL straight on the driver's cursor, which SQLAlchemy's events do not see."""
    resources = [make_resource(f"设备{i}", kind="equipment", stock=5, code=f"EQP-1{i:03d}") for i in range(30)]
    for r in resources[::3]:
        book(db, raw_booking, r, T0, T0 + H, quantity=2)
    window = Maintenance(resource=resources[1], starts_at=T0, ends_at=T0 + H, quantity=1, reason="校准")
    db.add(window)
    db.flush()
    occupancy.occupy_maintenance(db, window)
    db.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])
    on_driver = DriverStatement.rows

    def counted(self, connection, params):
        statements.append(self._plan(connection).sql)
        return on_driver(self, connection, params)

    monkeypatch.setattr(DriverStatement, "rows", counted)
    event.listen(kernel.engine, "before_cursor_execute", listener)
    try:
        options = availability.search(db, Need(T0, T0 + 4 * H, kind="equipment"))
    finally:
        event.remove(kernel.engine, "before_cursor_execute", listener)
    assert len(options) == 30 and sum(o.remaining == 3 for o in options) == 10
    assert {o.code: o.blocked_by for o in options}["EQP-1001"] == "Maintenance (校准)"
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_a_row_written_without_its_booking_code_is_still_named(db, make_resource, raw_booking):
    """Rows carry their booking's code since revision resources_0007; one written without it is looked up."""
    hall_ = make_resource("旧数据厅", code="VEN-0071")
    booking = book(db, raw_booking, hall_, T0, T0 + 2 * H)
    db.query(Occupancy).filter_by(booking_id=booking.id).update({"booking_code": None})
    db.commit()
    assert found(db, kind="venue")["VEN-0071"].blocked_by == booking.code
    assert occupancy.taken(db, [hall_.id], T0, T0 + H)[0].booking_code == booking.code


def test_a_record_rule_on_resources_limits_what_the_search_lists(kernel, db, make_resource, pm, as_user,
                                                                  monkeypatch):
    """The candidates are read past the ORM only when no rule limits them for the caller."""
    make_resource("杭州厅", code="VEN-0081", city="杭州")
    make_resource("上海厅", code="VEN-0082", city="上海")
    rule = RecordRule(Resource, lambda principal: Resource.city == "杭州", title="杭州的资源")
    monkeypatch.setattr(kernel, "record_rules", [*kernel.record_rules, rule])

    def search(session):
        return [o.code for o in availability.search(session, Need(T0, T0 + H, kind="venue"))]

    assert as_user(pm, search) == ["VEN-0081"]
    assert sorted(as_user(None, search)) == ["VEN-0081", "VEN-0082"]  # the system is not limited
