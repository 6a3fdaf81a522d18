"""The checks a resource passes before the admin saves it.

Deliberately small: the admin's resource form is a plain model form, and
these make sure it never stores a resource the occupancy rule cannot work
with (no stock, a combined hall made of itself or of other combined halls,
a negative buffer or price) and that every refusal names its field.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import ValidationFailed
from plugins.resources.models import Resource, Supplier, resource_part
from plugins.resources.models.choices import KINDS, LAYOUTS, PRICING_UNITS, RESOURCE_STATUSES


def check_resource(session, resource: Resource) -> None:
    """Raise ``ValidationFailed`` naming the first field of ``resource`` at fault."""
    if not (resource.name or "").strip():
        raise ValidationFailed(_("Give the resource a name."), field="name")
    if not resource.code:
        raise ValidationFailed(_("Give the resource a code."), field="code")
    if _taken(session, Resource, Resource.code, resource.code, resource.id):
        raise ValidationFailed(_("The code %(code)s is used by another resource.", code=resource.code),
                               field="code")
    _one_of(resource.kind, KINDS, "kind")
    _one_of(resource.pricing_unit, PRICING_UNITS, "pricing_unit")
    _one_of(resource.status, RESOURCE_STATUSES, "status")
    if resource.stock is None or resource.stock < 1:
        raise ValidationFailed(_("The stock must be at least 1 (1 means it is booked whole)."), field="stock")
    if resource.unit_price is None or resource.unit_price < 0:
        raise ValidationFailed(_("The price cannot be negative."), field="unit_price")
    for name in ("setup_minutes", "teardown_minutes", "capacity", "min_guests"):
        value = getattr(resource, name)
        if value is not None and value < 0:
            raise ValidationFailed(_("This cannot be negative."), field=name)
    _check_parts(session, resource)
    _check_layouts(resource)
    for package in resource.packages:
        if package.price_per_head is None or package.price_per_head < 0:
            raise ValidationFailed(_("A package's price per head cannot be negative."), field="packages")
    for act in resource.acts:
        if not act.duration_minutes or act.duration_minutes < 1:
            raise ValidationFailed(_("An act lasts at least one minute."), field="acts")
        if act.fee is None or act.fee < 0:
            raise ValidationFailed(_("An act's fee cannot be negative."), field="acts")


def check_supplier(session, supplier: Supplier) -> None:
    if not (supplier.name or "").strip():
        raise ValidationFailed(_("Give the supplier a name."), field="name")
    if _taken(session, Supplier, Supplier.name, supplier.name, supplier.id):
        raise ValidationFailed(_("There is already a supplier named %(name)s.", name=supplier.name), field="name")


def _taken(session, model, column, value, own_id) -> bool:
    stmt = select(model.id).where(column == value)
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    return session.scalars(stmt.limit(1)).first() is not None


def _one_of(value, vocabulary: dict, field: str) -> None:
    if value not in vocabulary:
        raise ValidationFailed(_("Choose one of the listed values."), field=field)


def _check_parts(session, resource: Resource) -> None:
    """A combined hall is made of two or more plain halls, never of itself or of another combined hall."""
    parts = list(resource.parts)
    if not parts:
        return
    if resource.id is not None and any(p.id == resource.id for p in parts):
        raise ValidationFailed(_("A combined hall cannot be one of its own parts."), field="parts")
    if len(parts) < 2:
        raise ValidationFailed(_("A combined hall has at least two parts."), field="parts")
    if resource.stock != 1:
        raise ValidationFailed(_("A combined hall is booked whole: its stock must be 1."), field="stock")
    ids = [p.id for p in parts]
    combined = session.scalars(select(resource_part.c.combined_id)
                               .where(resource_part.c.combined_id.in_(ids)).limit(1)).first()
    if combined is not None:
        raise ValidationFailed(_("A part cannot itself be a combined hall."), field="parts")
    if resource.id is not None and session.scalars(select(resource_part.c.part_id).where(
            resource_part.c.part_id == resource.id).limit(1)).first() is not None:
        raise ValidationFailed(_("This hall is part of a combined hall, so it cannot have parts itself."),
                               field="parts")


def _check_layouts(resource: Resource) -> None:
    seen = set()
    for layout in resource.layouts:
        _one_of(layout.layout, LAYOUTS, "layouts")
        if layout.layout in seen:
            raise ValidationFailed(_("Each layout once: %(layout)s is listed twice.",
                                     layout=LAYOUTS[layout.layout]), field="layouts")
        seen.add(layout.layout)
        if not layout.capacity or layout.capacity < 1:
            raise ValidationFailed(_("A layout's capacity must be at least 1."), field="layouts")
