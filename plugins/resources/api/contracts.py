"""The contracts of a booking: the list of versions, and each version's PDF.

Only who may see the booking may read its contracts: a hidden booking is
404, as any hidden row. A booking confirmed a moment ago may have an empty
list for a while, when its contract is rendered after the commit.
"""
from __future__ import annotations

from flask import Response

from core.api.base import db, require
from plugins.resources.api import blp
from plugins.resources.operations import booking as ops
from plugins.resources.operations import contract_files
from plugins.resources.schemas import ContractSchema


@blp.route("/bookings/<int:booking_id>/contracts")
@blp.response(200, ContractSchema(many=True))
def contracts(booking_id):
    """Every version of the booking's contract, first first (an empty list before it is confirmed)."""
    require("resources.contract.read")
    session = db()
    return contract_files.versions(session, ops.get_booking(session, booking_id).id)


@blp.route("/bookings/<int:booking_id>/contracts/<int:revision>")
@blp.response(200, content_type="application/pdf")
@blp.doc(responses={"200": {"description": "The PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def contract_pdf(booking_id, revision):
    """One version of the contract, as the PDF that was issued."""
    require("resources.contract.read")
    session = db()
    contract = contract_files.version(session, ops.get_booking(session, booking_id).id, revision)
    return Response(contract.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{contract_files.file_name(contract)}"',
        "Cache-Control": "private, no-store"})
