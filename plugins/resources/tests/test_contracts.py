"""A confirmed booking gets its contract; a change of it adds a version; the PDF says what was agreed."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from core.cli import Context, main
from core.events import outbox
from core.events.outbox import OutboxMessage
from plugins.resources.models import Contract
from plugins.resources.operations import booking_flow, contracts
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


# -- made after commit, through the outbox -------------------------------------------------

@pytest.fixture
def auto_hall(make_resource):
    return make_resource("钱塘厅", kind="generic", unit_price=Decimal("6000.00"), pricing_unit="day",
                         auto_approve=True)


@pytest.fixture
def worker_later(kernel, monkeypatch):
    """As with Redis before a worker ran: committed messages wait in the outbox instead of being delivered."""
    monkeypatch.setattr(kernel, "dispatch_outbox", lambda ids: None)


def request(db, project_id, hall, **values):
    return booking_flow.request_booking(db, {"project_id": project_id, "resource_id": hall.id,
                                             "starts_at": T0 + 24 * H, "ends_at": T0 + 30 * H, **values})


def revisions(db, booking) -> list[tuple[int, int]]:
    return [(c.revision, c.booking_version) for c in
            db.query(Contract).filter_by(booking_id=booking.id).order_by(Contract.revision)]


def test_the_contract_is_made_once_the_confirmation_is_committed(db, project_id, auto_hall):
    booking = request(db, project_id, auto_hall)
    db.flush()
    assert booking.status == "confirmed" and revisions(db, booking) == []  # not inside the booking's transaction
    db.commit()
    assert revisions(db, booking) == [(1, booking.version)]


def test_a_late_or_repeated_message_makes_one_contract_per_state_of_the_booking(kernel, db, project_id, auto_hall,
                                                                                 worker_later):
    booking = request(db, project_id, auto_hall)
    db.commit()
    booking_flow.change(db, booking, {"ends_at": T0 + 54 * H})  # changed before the worker got to it
    db.commit()
    assert revisions(db, booking) == []
    db.rollback()  # (SQLite: one writer at a time)

    assert outbox.deliver_due(kernel) == 2  # the confirmation, then the change
    assert revisions(db, booking) == [(1, booking.version)]  # it shows the booking as it is: two days
    assert db.query(Contract).one().total == booking.total
    message = {"booking_id": booking.id}
    db.rollback()  # (SQLite: one writer at a time)
    with kernel.system_session() as s:  # a message delivered once more changes nothing
        assert contracts.on_booking_confirmed(s, message) is None
        assert contracts.issue_for_event(s, message, "again") is None
    assert len(revisions(db, booking)) == 1


def test_a_booking_cancelled_before_its_contract_was_made_gets_none(kernel, db, project_id, auto_hall, worker_later):
    booking = request(db, project_id, auto_hall)
    db.commit()
    booking_flow.cancel(db, booking, "客户取消")
    db.commit()
    outbox.deliver_due(kernel)
    assert revisions(db, booking) == []
    assert {m.status for m in db.query(OutboxMessage)} == {"delivered"}


def test_a_worker_renders_the_contract_in_the_company_language(kernel, db, project_id, auto_hall, worker_later):
    booking = request(db, project_id, auto_hall)
    db.commit()
    context = Context()
    context._kernel = kernel

    result = CliRunner().invoke(main, ["worker", "--burst"], obj=context)

    assert result.exit_code == 0, result.output
    contract = db.query(Contract).filter_by(booking_id=booking.id).one()
    assert "预订合同" in text_of(contract.pdf).replace(" ", "")
