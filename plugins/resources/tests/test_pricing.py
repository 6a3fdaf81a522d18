"""Quotes: fee lines by pricing unit, VAT at the configured rate, half-up rounding to the cent."""
from __future__ import annotations

from decimal import Decimal

import pytest

from core.services.settings import set_value
from plugins.resources.models import Act, Package
from plugins.resources.operations.pricing import quote
from plugins.resources.tests.conftest import T0, H

MIN = H / 60


@pytest.mark.parametrize(("unit", "hours", "quantity", "subtotal"), [
    ("hour", 3, 1, "300.00"),
    ("hour", 2.5, 2, "600.00"),      # a started hour counts whole, × quantity
    ("half_day", 4, 1, "100.00"),
    ("half_day", 4.25, 1, "200.00"),
    ("day", 8, 1, "100.00"),
    ("day", 30, 1, "200.00"),
    ("unit_day", 30, 3, "600.00"),   # quantity × days
    ("unit", 50, 4, "400.00"),
    ("event", 50, 1, "100.00"),
])
def test_each_pricing_unit(db, make_resource, unit, hours, quantity, subtotal):
    thing = make_resource("计价测试", kind="generic", stock=10, unit_price=Decimal("100.00"), pricing_unit=unit)
    result = quote(db, thing, T0, T0 + hours * H, quantity)
    assert result.subtotal == Decimal(subtotal)
    assert result.tax == (Decimal(subtotal) * Decimal("0.06")).quantize(Decimal("0.01"))
    assert result.total == result.subtotal + result.tax
    assert result.lines[0].pricing_unit == unit


def test_per_head_uses_the_guests_or_the_chosen_packages_price(db, make_resource):
    lunch = Package(name="商务午餐", price_per_head=Decimal("158.00"))
    caterer = make_resource("粤味轩餐饮", kind="catering", stock=300, min_guests=50, pricing_unit="head",
                            unit_price=Decimal("120.00"), packages=[lunch])
    assert quote(db, caterer, T0, T0 + 2 * H, 80, guests=80).subtotal == Decimal("9600.00")
    with_package = quote(db, caterer, T0, T0 + 2 * H, 80, guests=80, package=lunch)
    assert with_package.subtotal == Decimal("12640.00") and with_package.lines[0].label == "粤味轩餐饮 · 商务午餐"


def test_a_troupe_act_is_charged_its_fee(db, make_resource):
    drums = Act(name="开场鼓舞", duration_minutes=8, fee=Decimal("12000.00"))
    troupe = make_resource("东方歌舞团", kind="troupe", pricing_unit="event", acts=[drums])
    assert quote(db, troupe, T0, T0 + H, act=drums).total == Decimal("12720.00")


def test_tax_follows_the_setting_and_rounds_half_up(db, make_resource):
    thing = make_resource("计价测试", kind="generic", unit_price=Decimal("0.50"), pricing_unit="unit")
    assert quote(db, thing, T0, T0 + H, 1).tax == Decimal("0.03")   # 6% of 0.50 = 0.030
    set_value(db, "resources.vat_rate", "0.09")
    result = quote(db, thing, T0, T0 + H, 1)                        # 0.045 -> 0.05 (banker's would say 0.04)
    assert (result.tax_rate, result.tax, result.total) == (Decimal("0.09"), Decimal("0.05"), Decimal("0.55"))
    set_value(db, "resources.vat_rate", "0.1")
    thing.unit_price = Decimal("0.25")
    assert quote(db, thing, T0, T0 + H, 1).tax == Decimal("0.03")   # 0.025 -> 0.03
    db.rollback()
