"""The contract of a confirmed booking: made on confirmation, a new version on every later change.

Each version is kept (``Contract.revision`` 1, 2, ...), so what was signed
can always be shown again. The PDF is rendered in the company's default
language (Chinese unless configured otherwise) when an application is at
hand, and stored with its SHA-256.

Rendering a PDF takes tens of milliseconds, so it is not done inside the
booking's transaction (which holds the resources locked): the handlers of
``resources.booking_confirmed`` and ``resources.booking_changed`` run after
commit through the outbox (``handlers.py``) — right after the commit in the
embedded default, in a worker when Redis is configured. A message may come
twice or late; the contract shows the booking as it is when the message is
delivered, and records its version, so each state of a booking gets one
contract whatever arrives (``issue_for_event``).
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.security.models import User
from core.services.company import profile
from core.web.i18n import BABEL_LOCALE
from plugins.crm.models import Customer
from plugins.project.models import Project
from plugins.resources.models import Booking, Contract, Resource, Supplier
from plugins.resources.models.choices import KINDS, LAYOUTS, PRICING_UNITS
from plugins.resources.operations import pricing
from plugins.resources.operations.contract_pdf import (
    Agency,
    BookedResource,
    ClientSide,
    ContractData,
    FeeLine,
    render_contract,
)
from plugins.resources.operations.timefmt import local


def contract_data(session, booking: Booking, revision: int) -> ContractData:
    quote = pricing.quote_booking(session, booking)
    # The contract names the project and customer whoever confirms it: read past the record rules.
    system = {"huiwu_system": True}
    project = session.get(Project, booking.project_id, execution_options=system)
    customer = session.get(Customer, project.customer_id, execution_options=system)
    manager = session.get(User, project.manager_id, execution_options=system) if project.manager_id else None
    resource = session.get(Resource, booking.resource_id, execution_options=system)
    supplier = session.get(Supplier, resource.supplier_id, execution_options=system) if resource.supplier_id else None
    return ContractData(
        number="HT-" + booking.code.removeprefix("BK-"), version=revision,
        issued_on=local(session, booking.confirmed_at or booking.updated_at).date(),
        agency=_agency(session),
        client=ClientSide(customer_name=customer.name, project_code=project.code,
                          project_title=project.name,
                          project_manager=manager.name if manager else ""),
        resource=BookedResource(name=resource.name, kind=str(KINDS.get(resource.kind, resource.kind)),
                                specification=resource.specification or "", location=resource.location or "",
                                supplier=supplier.name if supplier else ""),
        start=local(session, booking.starts_at), end=local(session, booking.ends_at),
        fees=tuple(FeeLine(description=line.label, quantity=Decimal(line.units * line.quantity),
                           unit=str(PRICING_UNITS.get(line.pricing_unit, line.pricing_unit)),
                           unit_price=line.unit_price) for line in quote.lines),
        tax_rate=quote.tax_rate, layout=str(LAYOUTS.get(booking.layout, "")) if booking.layout else "",
        quantity=Decimal(booking.quantity or 1), quantity_unit=resource.unit_label or "", booking_code=booking.code)


def _agency(session) -> Agency:
    """The agency from the company profile; a profile not filled in yet still names a placeholder."""
    agency = Agency.from_profile(profile(session))
    if agency.name.strip():
        return agency
    return replace(agency, name=_("(company name not yet entered in the company profile)"))


def _render(session, data: ContractData) -> bytes:
    """The PDF in the company's language: a web request's or a worker's application context has Babel."""
    if has_app_context():
        with force_locale(BABEL_LOCALE[session.info["kernel"].settings.locale]):
            return render_contract(data)
    return render_contract(data)


def issue_contract(session, booking: Booking, note: str) -> Contract:
    """Add the next version of ``booking``'s contract, showing it as it is now."""
    last = session.scalar(select(func.max(Contract.revision)).where(Contract.booking_id == booking.id)
                          .execution_options(huiwu_system=True)) or 0
    data = contract_data(session, booking, last + 1)
    pdf = _render(session, data)
    contract = Contract(booking=booking, number=data.display_number, revision=last + 1, total=data.total,
                        note=note[:300], pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                        booking_version=booking.version)
    session.add(contract)
    session.flush()
    return contract


def issue_for_event(session, payload: dict, note: str) -> Contract | None:
    """The contract a confirmation or a change calls for, unless there is nothing to make.

    Nothing is made for a booking that is gone or no longer confirmed (it was
    cancelled before its contract was made: there is nothing to sign), nor
    when a contract shows its current version already (a message delivered
    twice, or a confirmation delivered after a change that was handled).
    Runs as the system, past the record rules, like ``contract_data``.
    """
    booking = session.get(Booking, payload["booking_id"], execution_options={"huiwu_system": True})
    if booking is None or booking.status != "confirmed":
        return None
    made = session.scalar(select(Contract.id).where(Contract.booking_id == booking.id,
                                                    Contract.booking_version == booking.version)
                          .execution_options(huiwu_system=True))
    if made is not None:
        return None
    return issue_contract(session, booking, note)


def on_booking_confirmed(session, payload: dict) -> None:
    """After commit: the first contract of a confirmed booking."""
    issue_for_event(session, payload, _("Confirmed"))


def on_booking_changed(session, payload: dict) -> None:
    """After commit: a new version of a confirmed booking's contract, after its window or quantity changed."""
    issue_for_event(session, payload, _("Changed"))
