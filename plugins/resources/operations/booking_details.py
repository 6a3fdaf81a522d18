"""What a booking's pages show beyond its own row: the project named, the fees line by line.

A booking one may see names its project even when the project itself is
hidden from one: a resource manager approves the bookings of every project
without seeing the projects. So the code and name (nothing else) of the
projects of the bookings already shown are read past the record rules, as
the contract does when it names the client.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from plugins.project.models import Project
from plugins.resources.models import Booking
from plugins.resources.operations import pricing


def project_titles(session, project_ids) -> dict[int, str]:
    """``{project id: "HW-2030-0001 新品发布会"}`` for the given ids, in one query."""
    ids = sorted({i for i in project_ids if i is not None})
    if not ids:
        return {}
    rows = session.execute(select(Project.id, Project.code, Project.name).where(Project.id.in_(ids))
                           .execution_options(huiwu_system=True))
    return {row.id: f"{row.code} {row.name}" for row in rows}


@dataclass(frozen=True)
class Fees:
    """The fee lines at today's prices, and the amounts the booking keeps (agreed when made or changed)."""

    lines: tuple[pricing.Line, ...]
    tax_rate: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    #: Today's price list or VAT rate would give another total than the one agreed.
    repriced: Decimal | None


def fees(session, booking: Booking) -> Fees:
    today = pricing.quote_booking(session, booking)
    return Fees(lines=today.lines, tax_rate=today.tax_rate, subtotal=booking.subtotal, tax=booking.tax,
                total=booking.total, repriced=today.total if today.total != booking.total else None)
