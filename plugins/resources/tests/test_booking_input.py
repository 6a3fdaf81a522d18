"""Bad booking input is refused naming the field, and nothing is saved."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.db.types import utcnow
from core.errors import ValidationFailed
from plugins.project.models import Project
from plugins.resources.models import Act, Booking, Package
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H


@pytest.fixture
def ask(pm, project_for, hall, as_user):
    """``ask(field=value, ...)`` -> the field named by the refusal of a request of ``hall`` changed so."""
    project = project_for(pm)

    def refused(**changes):
        data = {"project_id": project, "resource_id": hall.id, "starts_at": T0, "ends_at": T0 + 4 * H, **changes}
        with pytest.raises(ValidationFailed) as error:
            as_user(pm, bookings.request_booking, data)
        return error.value.field

    return refused


def test_the_window_must_be_in_order_and_within_bounds(ask):
    assert ask(ends_at=T0) == "ends_at"
    assert ask(ends_at=T0 - H) == "ends_at"
    assert ask(ends_at=T0 + 32 * 24 * H) == "ends_at"
    assert ask(starts_at=utcnow() - H, ends_at=utcnow() + H) == "starts_at"
    assert ask(starts_at=utcnow() + timedelta(days=6 * 366), ends_at=utcnow() + timedelta(days=6 * 366, hours=2)) \
        == "starts_at"
    assert ask(starts_at="next tuesday") == "starts_at"
    assert ask(starts_at=None) == "starts_at"


def test_the_project_must_be_one_the_user_sees(ask, make_user, project_for):
    assert ask(project_id=project_for(make_user("lina", roles=["project_manager"]))) == "project_id"
    assert ask(project_id=None) == "project_id"
    assert ask(project_id="abc") == "project_id"


def test_a_cancelled_project_takes_no_bookings(db, pm, project_for, hall, as_user):
    project = project_for(pm)
    db.get(Project, project).status = "cancelled"
    db.commit()
    with pytest.raises(ValidationFailed) as refused:
        as_user(pm, bookings.request_booking, {"project_id": project, "resource_id": hall.id, "starts_at": T0,
                                                "ends_at": T0 + H})
    assert refused.value.field == "project_id" and "Cancelled" in refused.value.message


def test_the_resource_must_exist_and_be_bookable(db, ask, make_resource):
    assert ask(resource_id=99999) == "resource_id"
    assert ask(resource_id=None) == "resource_id"
    assert ask(resource_id=make_resource("旧厅", status="retired").id) == "resource_id"
    assert ask(resource_id=make_resource("B厅", status="maintenance").id) == "resource_id"


def test_quantity_guests_and_layout_must_fit_the_resource(ask, make_resource):
    assert ask(quantity=2) == "quantity"
    assert ask(quantity=0) == "quantity"
    assert ask(quantity=1.5) == "quantity"
    assert ask(guests=501) == "guests"                     # the largest layout holds 500
    assert ask(guests=301, layout="banquet") == "guests"
    assert ask(layout="classroom") == "layout"             # not set up that way
    assert ask(guests=-3) == "guests"
    bus = make_resource("大巴", kind="generic", capacity=45, stock=3)
    assert ask(resource_id=bus.id, quantity=2, guests=91) == "guests"


def test_a_caterer_serves_between_its_minimum_and_its_stock(db, ask, make_resource):
    caterer = make_resource("粤味轩餐饮", kind="catering", stock=300, min_guests=50, pricing_unit="head",
                            unit_price=Decimal("180.00"), packages=[Package(name="商务午餐", price_per_head=Decimal("158.00"))])
    assert ask(resource_id=caterer.id) == "guests"
    assert ask(resource_id=caterer.id, guests=30) == "guests"
    assert ask(resource_id=caterer.id, guests=301) == "guests"
    other = make_resource("外卖", kind="catering", stock=100, min_guests=1,
                          packages=[Package(name="盒饭", price_per_head=Decimal("30.00"))])
    assert ask(resource_id=caterer.id, guests=80, package_id=other.packages[0].id) == "package_id"


def test_a_troupe_act_must_fit_in_the_window(ask, make_resource):
    troupe = make_resource("东方歌舞团", kind="troupe", pricing_unit="event",
                           acts=[Act(name="开场鼓舞", duration_minutes=300, fee=Decimal("12000.00"))])
    assert ask(resource_id=troupe.id, act_id=troupe.acts[0].id) == "ends_at"
    assert ask(resource_id=troupe.id, act_id=123456) == "act_id"


def test_nothing_is_saved_by_a_refused_request(db, ask):
    ask(quantity=5)
    assert db.scalar(select(func.count()).select_from(Booking)) == 0


def test_a_change_is_checked_like_a_request(pm, project_for, hall, book, on_booking):
    booking = book(pm, project_for(pm), hall, T0, T0 + 4 * H)
    for data, field in (({"ends_at": T0 - H}, "ends_at"), ({"quantity": 3}, "quantity"),
                        ({"guests": 900}, "guests"), ({"resource_id": 1}, "resource_id"),
                        ({"starts_at": utcnow() - H}, "starts_at")):
        with pytest.raises(ValidationFailed) as refused:
            on_booking(pm, bookings.change, booking.id, data)
        assert refused.value.field == field, data
