"""The contract of a confirmed booking: made on confirmation, a new version on every later change.

Each version is kept (``Contract.revision`` 1, 2, ...), so what was signed
can always be shown again. The PDF is rendered in the company's default
language (Chinese unless configured otherwise) when an application is at
hand, and stored with its SHA-256.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

from flask import current_app, has_app_context
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


def _render(data: ContractData) -> bytes:
    if has_app_context():
        with force_locale(BABEL_LOCALE[current_app.extensions["huiwu"].settings.locale]):
            return render_contract(data)
    return render_contract(data)


def issue_contract(session, booking: Booking, note: str) -> Contract:
    """Add the next version of ``booking``'s contract."""
    last = session.scalar(select(func.max(Contract.revision)).where(Contract.booking_id == booking.id)
                          .execution_options(huiwu_system=True)) or 0
    data = contract_data(session, booking, last + 1)
    pdf = _render(data)
    contract = Contract(booking=booking, number=data.display_number, revision=last + 1, total=data.total,
                        note=note[:300], pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
    session.add(contract)
    session.flush()
    return contract
