"""A caterer's stock is guests a day: lunch and dinner of one day add up; the next day starts afresh."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.errors import Conflict
from plugins.resources.models import Package
from plugins.resources.operations import availability
from plugins.resources.operations.availability import Need
from plugins.resources.tests.conftest import T0, H

# T0 is 09:00 in Shanghai: lunch 11:30-13:30, dinner 18:00-20:30 the same day.
LUNCH = (T0 + 2.5 * H, T0 + 4.5 * H)
DINNER = (T0 + 9 * H, T0 + 11.5 * H)
DAY = 24 * H


@pytest.fixture
def caterer(db, make_resource):
    """The caterer, as its id only (SQLite: the test's session must hold no transaction into a booking)."""
    made = make_resource("粤味轩餐饮", kind="catering", stock=400, min_guests=50, pricing_unit="head",
                         unit_price=Decimal("158.00"), packages=[Package(name="商务餐", price_per_head=Decimal(158))])
    ident = made.id
    db.rollback()
    return SimpleNamespace(id=ident)


def left(db, caterer, window) -> int:
    options = availability.search(db, Need(starts_at=window[0], ends_at=window[1], kind="catering", guests=50))
    db.rollback()
    return next(o.remaining for o in options if o.resource_id == caterer.id)


def test_lunch_and_dinner_of_one_day_add_up_and_the_next_day_starts_afresh(db, pm, project_for, book, caterer):
    project = project_for(pm)
    lunch = book(pm, project, caterer, *LUNCH, quantity=300, guests=300)
    assert left(db, caterer, DINNER) == 100  # not overlapping lunch, but the same day
    with pytest.raises(Conflict) as full:
        book(pm, project, caterer, *DINNER, quantity=150, guests=150)
    assert full.value.field == "quantity" and lunch.code in full.value.message
    assert "400" in full.value.message and "100" in full.value.message
    assert book(pm, project, caterer, *DINNER, quantity=100, guests=100).status in ("requested", "confirmed")
    assert left(db, caterer, DINNER) == 0

    next_lunch = (LUNCH[0] + DAY, LUNCH[1] + DAY)
    assert left(db, caterer, next_lunch) == 400
    assert book(pm, project, caterer, *next_lunch, quantity=400, guests=400).id
