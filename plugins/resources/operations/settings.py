"""The settings of the booking workflow, declared through ``huiwu_settings`` and read here.

An administrator edits them in the admin; until then the defaults hold. Each
reader takes the session, so a change applies to the next booking in every
process.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from core.db.types import utcnow
from core.services.settings import SettingSpec, get

HOLD_HOURS = "resources.hold_hours"
VAT_RATE = "resources.vat_rate"
AUTO_APPROVE_AMOUNT = "resources.auto_approve_amount"
ALLOCATION_SEAT_PRICE = "resources.allocation_seat_price"
ALLOCATION_MOVE_PRICE = "resources.allocation_move_price"

_SECTION = _l("Resource bookings")

SPECS = [
    SettingSpec(HOLD_HOURS, int, 48, _l("Hold hours"),
                _l("How long a tentative hold (or a place offered from the waiting list) keeps a resource "
                   "before it lapses, unless it is confirmed."),
                min_value=1, max_value=24 * 60, section=_SECTION),
    SettingSpec(VAT_RATE, Decimal, Decimal("0.06"), _l("VAT rate on bookings"),
                _l("Charged on each booking's fees, e.g. 0.06 for six per cent."),
                min_value=Decimal(0), max_value=Decimal(1), section=_SECTION),
    SettingSpec(AUTO_APPROVE_AMOUNT, Decimal, Decimal(0), _l("Approve bookings under this total automatically"),
                _l("A booking whose total (tax included) is below this amount is confirmed without a "
                   "manager's approval; 0 turns the rule off."),
                min_value=Decimal(0), section=_SECTION),
    SettingSpec(ALLOCATION_SEAT_PRICE, Decimal, Decimal("1.00"), _l("Allocation: price of an empty seat"),
                _l("After serving as many requests as it can, the allocator weighs each empty seat in a hall "
                   "as this much money against the fees: larger values keep big halls for big meetings."),
                min_value=Decimal(0), max_value=Decimal(100000), section=_SECTION),
    SettingSpec(ALLOCATION_MOVE_PRICE, Decimal, Decimal("500.00"), _l("Allocation: price of moving a booking"),
                _l("What moving a pending booking to another resource counts as (the call to the client): the "
                   "allocator moves one only to serve more requests, or to save more than this."),
                min_value=Decimal(0), max_value=Decimal(10000000), section=_SECTION),
]


def hold_hours(session) -> int:
    return get(session, HOLD_HOURS)


def vat_rate(session) -> Decimal:
    return get(session, VAT_RATE)


def auto_approve_amount(session) -> Decimal:
    return get(session, AUTO_APPROVE_AMOUNT)


def hold_deadline(session, now: datetime | None = None) -> datetime:
    """When a hold made now lapses."""
    return (now or utcnow()) + timedelta(hours=hold_hours(session))


def allocation_prices(session) -> tuple[Decimal, Decimal]:
    """(price of an empty seat, price of moving a pending booking) for the allocator, in yuan."""
    return get(session, ALLOCATION_SEAT_PRICE), get(session, ALLOCATION_MOVE_PRICE)
