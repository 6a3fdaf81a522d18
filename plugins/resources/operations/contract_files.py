"""The stored versions of a booking's contract, as they are read back: the list, one PDF, its file name.

Contracts follow their booking's record rule, so whoever cannot see the
booking finds no version of it either. The list never loads the PDFs
(the column is deferred); one version is read with its PDF.

A booking confirmed a moment ago may have no version yet when the contract
is rendered after the commit; readers say "being prepared", not "missing".
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import undefer

from core.errors import NotFound
from plugins.resources.models import Booking, Contract

#: Characters a file name keeps; any other becomes ``_``.
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def versions(session, booking_id: int) -> list[Contract]:
    """Every version of the booking's contract the user may see, first first, without the PDFs."""
    return list(session.scalars(
        select(Contract).where(Contract.booking_id == booking_id).order_by(Contract.revision)))


def version(session, booking_id: int, revision: int) -> Contract:
    """One version with its PDF; ``NotFound`` when there is none the user may see."""
    contract = session.execute(
        select(Contract).where(Contract.booking_id == booking_id, Contract.revision == revision)
        .options(undefer(Contract.pdf))).scalar_one_or_none()
    if contract is None:
        raise NotFound(_("Not found."))
    return contract


def file_name(contract: Contract) -> str:
    """``HT-2030-000001-V2.pdf``: the contract's number, safe in a ``Content-Disposition`` header."""
    return UNSAFE.sub("_", contract.number) + ".pdf"


def being_prepared(booking: Booking, found: list[Contract]) -> bool:
    """Confirmed, and no version stored yet: its contract is still being rendered."""
    return booking.status == "confirmed" and not found
