"""The catalogue: each kind's rules, codes given by kind, combined halls, suppliers."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.errors import Conflict, Forbidden, ValidationFailed
from plugins.resources.models import Resource, Supplier
from plugins.resources.operations import catalogue, suppliers
from plugins.resources.tests.conftest import T0, H

HALL = {"name": "国际会议厅", "kind": "venue", "unit_price": "20000", "city": "杭州",
        "layouts": [{"layout": "theatre", "capacity": 500}, {"layout": "banquet", "capacity": 300}]}
PROJECTORS = {"name": "激光投影仪", "kind": "equipment", "stock": 12, "unit_label": "台", "unit_price": "800"}
CATERER = {"name": "粤味轩餐饮", "kind": "catering", "stock": 400, "min_guests": 50,
           "packages": [{"name": "商务午餐", "price_per_head": "158.00"}]}
TROUPE = {"name": "东方歌舞团", "kind": "troupe", "unit_price": "30000",
          "acts": [{"name": "开场鼓舞", "duration_minutes": 8, "fee": "12000"}]}


def refused(as_user, data, user=None):
    with pytest.raises(ValidationFailed) as error:
        as_user(user, catalogue.create_resource, data)
    return error.value.field


def test_each_kind_gets_its_own_code_sequence(as_user):
    made = [as_user(None, catalogue.create_resource, data) for data in (HALL, PROJECTORS, CATERER, TROUPE, HALL)]
    made.append(as_user(None, catalogue.create_resource, {"name": "七座商务车", "kind": "generic", "capacity": 7}))
    assert [r.code for r in made] == ["VEN-0001", "EQP-0001", "CAT-0001", "TRP-0001", "VEN-0002", "GEN-0001"]
    assert [r.pricing_unit for r in made] == ["day", "unit_day", "head", "event", "day", "day"]


def test_a_code_typed_by_hand_is_kept_unique_and_skipped_by_the_sequence(as_user):
    as_user(None, catalogue.create_resource, {**HALL, "code": "ven-0001"})
    assert as_user(None, catalogue.create_resource, HALL).code == "VEN-0002"
    assert refused(as_user, {**HALL, "code": "VEN-0002"}) == "code"


def test_each_kind_is_checked_for_what_it_needs(as_user):
    assert refused(as_user, {**HALL, "layouts": []}) == "layouts"
    assert refused(as_user, {**HALL, "stock": 2}) == "stock"
    assert refused(as_user, {**HALL, "layouts": [{"layout": "stadium", "capacity": 9}]}) == "layouts.0.layout"
    assert refused(as_user, {**HALL, "layouts": [{"layout": "theatre", "capacity": 0}]}) == "layouts.0.capacity"
    assert refused(as_user, {**PROJECTORS, "unit_label": ""}) == "unit_label"
    assert refused(as_user, {**PROJECTORS, "stock": 0}) == "stock"
    assert refused(as_user, {**CATERER, "stock": 20}) == "stock"
    assert refused(as_user, {**CATERER, "min_guests": None}) == "min_guests"
    assert refused(as_user, {**CATERER, "packages": []}) == "packages"
    assert refused(as_user, {**CATERER, "packages": [{"name": "午餐", "price_per_head": "-1"}]}) \
        == "packages.0.price_per_head"
    assert refused(as_user, {**CATERER, "pricing_unit": "day"}) == "pricing_unit"
    assert refused(as_user, {**TROUPE, "acts": []}) == "acts"
    assert refused(as_user, {**TROUPE, "acts": [{"name": "杂技", "duration_minutes": 0, "fee": "1"}]}) \
        == "acts.0.duration_minutes"
    assert refused(as_user, {**HALL, "kind": "castle"}) == "kind"
    assert refused(as_user, {**HALL, "name": "  "}) == "name"
    assert refused(as_user, {**HALL, "unit_price": "12.345"}) == "unit_price"
    assert refused(as_user, {**HALL, "setup_minutes": -5}) == "setup_minutes"
    assert refused(as_user, {**HALL, "supplier_id": 999}) == "supplier_id"


def test_a_combined_hall_opens_into_other_plain_venues(db, as_user):
    a = as_user(None, catalogue.create_resource, {**HALL, "name": "A厅"})
    b = as_user(None, catalogue.create_resource, {**HALL, "name": "B厅"})
    van = as_user(None, catalogue.create_resource, PROJECTORS)
    ab = as_user(None, catalogue.create_resource, {**HALL, "name": "AB厅", "part_ids": [a.id, b.id]})
    assert [p.code for p in db.get(Resource, ab.id).parts] == [a.code, b.code]
    db.commit()
    assert refused(as_user, {**HALL, "name": "A+投影", "part_ids": [a.id, van.id]}) == "part_ids"
    assert refused(as_user, {**HALL, "name": "ABA", "part_ids": [ab.id, a.id]}) == "part_ids"
    assert refused(as_user, {**HALL, "name": "只有A", "part_ids": [a.id]}) == "part_ids"
    assert refused(as_user, {**PROJECTORS, "part_ids": [a.id, b.id]}) == "part_ids"

    def combine(s, resource_id, part_ids):
        return catalogue.update_resource(s, catalogue.get_resource(s, resource_id), {"part_ids": part_ids})

    for target, parts in ((ab.id, [ab.id, a.id]), (a.id, [b.id, ab.id])):
        with pytest.raises(ValidationFailed) as error:
            as_user(None, combine, target, parts)
        assert error.value.field == "part_ids"


def test_updating_keeps_layout_rows_and_refuses_a_stock_below_the_bookings(db, pm, project_for, as_user, book):
    kit = as_user(None, catalogue.create_resource, PROJECTORS)
    hall = as_user(None, catalogue.create_resource, HALL)
    theatre_id = hall.layouts[0].id

    def update(s, resource_id, data):
        return catalogue.update_resource(s, catalogue.get_resource(s, resource_id), data)

    changed = as_user(None, update, hall.id, {"layouts": [{"layout": "theatre", "capacity": 450}], "city": "上海"})
    assert [(row.id, row.capacity) for row in changed.layouts] == [(theatre_id, 450)] and changed.city == "上海"
    book(pm, project_for(pm), kit, T0, T0 + 4 * H, quantity=8)
    with pytest.raises(Conflict) as short:
        as_user(None, update, kit.id, {"stock": 6})
    assert short.value.field == "stock"
    assert as_user(None, update, kit.id, {"stock": 8}).stock == 8


def test_only_those_allowed_keep_the_catalogue(make_user, as_user):
    with pytest.raises(Forbidden):
        as_user(make_user("pm", roles=["project_manager"]), catalogue.create_resource, HALL)
    assert as_user(make_user("keeper", roles=["resource_manager"]), catalogue.create_resource, HALL).id


def test_suppliers_are_kept_with_checked_contacts_and_not_deleted_while_they_provide(db, as_user):
    hotel = as_user(None, suppliers.create_supplier, {"name": "西湖国宾馆", "contact_name": "陈经理",
                                                      "phone": "0571-87979889", "email": "sales@example.cn"})
    for data, field in (({"name": "西湖国宾馆"}, "name"), ({"name": "X", "email": "nope"}, "email"),
                        ({"name": "Y", "phone": "call me"}, "phone"), ({"name": ""}, "name")):
        with pytest.raises(ValidationFailed) as error:
            as_user(None, suppliers.create_supplier, data)
        assert error.value.field == field
    hall = as_user(None, catalogue.create_resource, {**HALL, "supplier_id": hotel.id})

    def delete(s, supplier_id):
        suppliers.delete_supplier(s, suppliers.get_supplier(s, supplier_id))

    with pytest.raises(Conflict):
        as_user(None, delete, hotel.id)
    as_user(None, lambda s: catalogue.update_resource(s, catalogue.get_resource(s, hall.id), {"supplier_id": None}))
    as_user(None, delete, hotel.id)
    assert db.scalar(select(func.count()).select_from(Supplier)) == 0
    assert db.get(Resource, hall.id).unit_price == Decimal("20000.00")
