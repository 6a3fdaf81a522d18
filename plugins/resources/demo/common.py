"""What both scales of the resources demo share: numbering, prices, who approves."""
from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from core.security.models import Department, user_department

BOOKING_SEQUENCE = "resources.booking"
BOOKING_CODE = "BK-{year}-{n:06d}"
#: VAT on event services (现代服务业, 6 %); demo quotes add it on top of the fee.
TAX_RATE = Decimal("0.06")
CENT = Decimal("0.01")
CODE_PREFIX = {"venue": "VEN", "equipment": "EQP", "catering": "CAT", "troupe": "TRP", "generic": "GEN"}
#: Who approves a booking of each kind: a member of this department.
APPROVING_DEPARTMENT = {"venue": "VENUE", "troupe": "VENUE", "generic": "VENUE", "equipment": "AV",
                        "catering": "CATER"}
#: A package whose name has one of these is served at dinner; the others at lunch.
DINNER_WORDS = ("晚宴", "宴会", "酒会", "桌餐")
#: The layout a meeting of each project type is set up in (theatre otherwise).
LAYOUT_OF_TYPE = {"gala": "banquet", "incentive": "banquet", "training": "classroom"}



def quote(unit_price: Decimal, pricing_unit: str, quantity: int, starts_at: datetime,
          ends_at: datetime) -> tuple[Decimal, Decimal, Decimal]:
    """Subtotal, tax and total of a booking: the fee times what the pricing unit counts."""
    hours = (ends_at - starts_at).total_seconds() / 3600
    days = max(1, math.ceil(hours / 24))
    units = {"hour": math.ceil(hours), "half_day": 1 if hours <= 5 else 2 * days, "day": days,
             "head": quantity, "unit_day": quantity * days, "unit": quantity}.get(pricing_unit, 1)
    subtotal = (unit_price * units).quantize(CENT)
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    return subtotal, tax, subtotal + tax


def approvers(session) -> dict[str, list[int]]:
    """Department code -> ids of its members (the demo's approvers)."""
    rows = session.execute(select(Department.code, user_department.c.user_id)
                           .join(user_department, user_department.c.department_id == Department.id)
                           .order_by(Department.code, user_department.c.user_id))
    found: dict[str, list[int]] = {}
    for code, user_id in rows:
        found.setdefault(code, []).append(user_id)
    return found
