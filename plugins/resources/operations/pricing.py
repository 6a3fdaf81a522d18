"""What a booking costs: fee lines from the resource's pricing unit, the subtotal, VAT and the total.

A quote is computed when a booking is requested or changed and stored on it
(``unit_price``, ``subtotal``, ``tax``, ``total``), so a later change of the
price list or of the VAT rate never rewrites what was agreed. Everything is
``Decimal``; each amount is rounded half up (四舍五入) to the cent.

How many billing units a window makes, by pricing unit (a started unit
counts whole, as venues and rental houses charge)::

    hour       started hours                        × quantity
    half_day   started blocks of 4 hours            × quantity
    day        started days of 24 hours              × quantity
    unit_day   quantity × started days
    head       guests (the package's price per head for a caterer with a package)
    unit       quantity
    event      quantity (a fixed fee; a troupe's act fee when an act is chosen)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from plugins.resources.models import Act, Booking, Package, Resource
from plugins.resources.operations.settings import vat_rate

CENT = Decimal("0.01")
#: Seconds in one billing unit of the time-based pricing units.
SPAN_SECONDS = {"hour": 3600, "half_day": 4 * 3600, "day": 24 * 3600, "unit_day": 24 * 3600}


@dataclass(frozen=True)
class Line:
    """One fee: ``units`` billing units (hours, days, heads ...) of ``quantity`` items at ``unit_price``."""

    label: str
    pricing_unit: str
    units: int
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    lines: tuple[Line, ...]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal

    @property
    def unit_price(self) -> Decimal:
        return self.lines[0].unit_price if self.lines else Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def billing_units(pricing_unit: str, starts_at: datetime, ends_at: datetime) -> int:
    """Started units of a time-based pricing unit in the window (at least one); 1 for the others."""
    span = SPAN_SECONDS.get(pricing_unit)
    if span is None:
        return 1
    return max(1, math.ceil((ends_at - starts_at).total_seconds() / span))


def fee_line(resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int = 1,
             guests: int | None = None, package: Package | None = None, act: Act | None = None) -> Line:
    unit = resource.pricing_unit
    price, label = resource.unit_price, resource.name
    if package is not None:
        price, label = package.price_per_head, f"{resource.name} · {package.name}"
    elif act is not None:
        price, label = act.fee, f"{resource.name} · {act.name}"
    if unit == "head" or package is not None:
        unit, units, count = "head", (guests or quantity), 1
    else:
        units, count = billing_units(unit, starts_at, ends_at), quantity
    return Line(label, unit, units, count, price, money(price * units * count))


def quote(session, resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int = 1,
          guests: int | None = None, package: Package | None = None, act: Act | None = None) -> Quote:
    """The fees of booking ``quantity`` of ``resource`` for the window, with VAT at the configured rate."""
    lines = (fee_line(resource, starts_at, ends_at, quantity, guests, package, act),)
    subtotal = money(sum((line.amount for line in lines), Decimal(0)))
    rate = vat_rate(session)
    tax = money(subtotal * rate)
    return Quote(lines, subtotal, rate, tax, subtotal + tax)


def quote_booking(session, booking: Booking) -> Quote:
    return quote(session, booking.resource, booking.starts_at, booking.ends_at, booking.quantity,
                 booking.guests, booking.package, booking.act)


def price_booking(session, booking: Booking) -> Quote:
    """Quote ``booking`` as it stands now and store the figures on it."""
    result = quote_booking(session, booking)
    booking.unit_price, booking.subtotal = result.unit_price, result.subtotal
    booking.tax, booking.total = result.tax, result.total
    return result
