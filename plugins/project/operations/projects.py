"""Creating, changing and reading meeting projects.

``create_project`` and ``update_project`` are what the admin, the API and the
demo data go through; every bad value is refused with ``ValidationFailed``
naming the field.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import ValidationFailed
from core.security.models import User
from core.services.sequences import next_number
from plugins.crm.models import Contact, Customer
from plugins.project.models import OrderLine, Project, Requirement
from plugins.project.models.choices import PROJECT_TYPES, REQUIREMENT_CATEGORIES
from plugins.project.operations.common import decimal, get_or_404, instant

CODE_SEQUENCE = "project.code"
CODE_PATTERN = "HW-{year}-{n:04d}"
#: Fields a person edits directly (status moves through ``workflow``).
FIELDS = ("name", "type", "customer_id", "contact_id", "manager_id", "start_at", "end_at", "city", "venue",
          "attendance", "description", "internal_notes")


def new_code(session) -> str:
    return next_number(session, CODE_SEQUENCE, CODE_PATTERN)


def get_project(session, project_id) -> Project:
    return get_or_404(session, Project, project_id)


def _customer_exists(session, customer_id) -> bool:
    return customer_id is not None and session.execute(select(Customer.id).where(
        Customer.id == customer_id).execution_options(huiwu_system=True)).first() is not None


def _clean(session, data: dict, partial: bool) -> dict:
    """Checked and normalised values of ``data`` (only the keys present when ``partial``)."""
    out = {k: data[k] for k in FIELDS if k in data}
    if (not partial or "name" in out) and not (out.get("name") or "").strip():
        raise ValidationFailed(_("A project needs a name."), field="name")
    if out.get("type") is not None and out["type"] not in PROJECT_TYPES:
        raise ValidationFailed(_("Unknown value %(value)s.", value=out["type"]), field="type")
    if (not partial or "customer_id" in out) and not _customer_exists(session, out.get("customer_id")):
        raise ValidationFailed(_("Choose an existing customer."), field="customer_id")
    if out.get("contact_id") is not None:
        owner = session.execute(select(Contact.customer_id).where(Contact.id == out["contact_id"])
                                .execution_options(huiwu_system=True)).scalar()
        if owner is None or ("customer_id" in out and owner != out["customer_id"]):
            raise ValidationFailed(_("The contact must belong to the customer."), field="contact_id")
    if out.get("manager_id") is not None:
        staff = session.execute(select(User.id).where(User.id == out["manager_id"], User.is_portal.is_(False))
                                .execution_options(huiwu_system=True)).first()
        if staff is None:
            raise ValidationFailed(_("Choose a member of staff."), field="manager_id")
    for key in ("start_at", "end_at"):
        if not partial and out.get(key) is None:
            raise ValidationFailed(_("This field is required."), field=key)
        if out.get(key) is not None:
            out[key] = instant(session, out[key], key)
    if out.get("attendance") is not None:
        try:
            out["attendance"] = int(out["attendance"])
        except (TypeError, ValueError):
            raise ValidationFailed(_("Not a valid number."), field="attendance") from None
        if not 0 < out["attendance"] <= 1_000_000:
            raise ValidationFailed(_("Expected attendance must be between 1 and 1,000,000."),
                                   field="attendance")
    return out


def _check_dates(project: Project) -> None:
    if project.start_at and project.end_at and project.end_at < project.start_at:
        raise ValidationFailed(_("The end must not be before the start."), field="end_at")


def add_requirement(session, project: Project, category: str, details: str | None = None,
                    field: str = "requirements") -> Requirement:
    if category not in REQUIREMENT_CATEGORIES:
        raise ValidationFailed(_("Unknown value %(value)s.", value=category), field=field)
    requirement = Requirement(category=category, details=(details or "").strip() or None)
    project.requirements.append(requirement)
    return requirement


def add_order_line(session, project: Project, service: str, quantity, unit_price, unit: str | None = None,
                   field: str = "order_lines") -> OrderLine:
    if not (service or "").strip():
        raise ValidationFailed(_("An order line needs a service."), field=field)
    line = OrderLine(service=service.strip(), unit=unit,
                     quantity=decimal(quantity, field), unit_price=decimal(unit_price, field))
    project.order_lines.append(line)
    return line


def create_project(session, data: dict) -> Project:
    """A new project in status *enquiry*, with its checklist and order lines; numbered on creation."""
    values = _clean(session, data, partial=False)
    project = Project(**{"type": "conference", **values, "status": "enquiry"})
    _check_dates(project)
    for i, item in enumerate(data.get("requirements") or ()):
        add_requirement(session, project, item.get("category"), item.get("details"), f"requirements.{i}")
    for i, item in enumerate(data.get("order_lines") or ()):
        add_order_line(session, project, item.get("service"), item.get("quantity", 1),
                       item.get("unit_price", 0), item.get("unit"), f"order_lines.{i}")
    project.code = new_code(session)
    session.add(project)
    session.flush()
    return project


def update_project(session, project: Project, data: dict) -> Project:
    values = _clean(session, data, partial=True)
    for key, value in values.items():
        setattr(project, key, value)
    _check_dates(project)
    session.flush()
    return project


def order_total(session, project_id: int) -> Decimal:
    """The sum of the project's order lines, computed in the database."""
    total = session.scalar(select(func.coalesce(func.sum(OrderLine.amount), 0))
                           .where(OrderLine.project_id == project_id))
    return Decimal(str(total)).quantize(Decimal("0.01"))


def check(session, project: Project, data: dict) -> None:
    """Validate values a form already wrote onto ``project`` (the admin's path)."""
    _clean(session, data, partial=True)
    _check_dates(project)
    for line in project.order_lines:
        if not (line.service or "").strip():
            raise ValidationFailed(_("An order line needs a service."), field="order_lines")
