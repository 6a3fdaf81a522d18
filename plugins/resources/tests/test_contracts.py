"""A confirmed booking gets its contract; a change of it adds a version; the PDF says what was agreed."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from plugins.resources.models import Contract
from plugins.resources.operations import booking_flow
from plugins.resources.tests.conftest import T0, H


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_confirming_and_then_changing_a_booking_keeps_each_contract_version(db, make_resource, project_id):
    hall = make_resource("西湖厅", kind="generic", unit_price=Decimal("8000.00"), pricing_unit="day", auto_approve=True)
    booking = booking_flow.request_booking(db, {"project_id": project_id, "resource_id": hall.id,
                                                "starts_at": T0 + 24 * H, "ends_at": T0 + 30 * H})
    db.commit()
    assert booking.status == "confirmed"
    booking_flow.change(db, booking, {"starts_at": T0 + 48 * H, "ends_at": T0 + 80 * H})
    db.commit()

    first, second = db.query(Contract).order_by(Contract.revision).all()
    assert (first.revision, second.revision) == (1, 2)
    assert second.number == first.number + "-V2"
    assert first.total < second.total  # one day, then two
    text = text_of(second.pdf)
    assert "西湖厅" in text and second.number in text and booking.project.code in text
    assert booking.code in text  # the reader finds the booking it is for
