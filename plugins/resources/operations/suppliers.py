"""Suppliers: who provides the resources we do not own (hotels, rental houses, caterers, troupes).

A supplier still providing resources is not deleted (their rows would lose
who to call); it is made inactive instead.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import Conflict, ValidationFailed
from plugins.project.operations.common import get_or_404, require
from plugins.resources.models import Resource, Supplier
from plugins.resources.operations.values import text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")
TEXT_FIELDS = {"contact_name": 100, "address": 300, "notes": None}


def get_supplier(session, supplier_id) -> Supplier:
    return get_or_404(session, Supplier, supplier_id)


def _clean(session, data: dict, partial: bool, supplier: Supplier | None = None) -> dict:
    out = {key: text(data[key], key, max_length=limit) for key, limit in TEXT_FIELDS.items() if key in data}
    if not partial or "name" in data:
        out["name"] = text(data.get("name"), "name", required=True, max_length=200)
        clash = select(Supplier.id).where(Supplier.name == out["name"])
        if supplier is not None:
            clash = clash.where(Supplier.id != supplier.id)
        if session.scalar(clash) is not None:
            raise ValidationFailed(_("A supplier of that name exists already."), field="name")
    if "phone" in data:
        out["phone"] = text(data["phone"], "phone")
        if out["phone"] and not PHONE.match(out["phone"]):
            raise ValidationFailed(_("Not a valid telephone number."), field="phone")
    if "email" in data:
        out["email"] = text(data["email"], "email")
        if out["email"] and not EMAIL.match(out["email"]):
            raise ValidationFailed(_("Not a valid e-mail address."), field="email")
    if "active" in data:
        out["active"] = bool(data["active"])
    return out


def create_supplier(session, data: dict) -> Supplier:
    require(session, "resources.supplier.create")
    supplier = Supplier(**{"active": True, **_clean(session, data, partial=False)})
    session.add(supplier)
    session.flush()
    return supplier


def update_supplier(session, supplier: Supplier, data: dict) -> Supplier:
    require(session, "resources.supplier.update")
    for key, value in _clean(session, data, partial=True, supplier=supplier).items():
        setattr(supplier, key, value)
    session.flush()
    return supplier


def delete_supplier(session, supplier: Supplier) -> None:
    require(session, "resources.supplier.delete")
    provided = session.scalar(select(func.count()).select_from(Resource)
                              .where(Resource.supplier_id == supplier.id).execution_options(huiwu_system=True))
    if provided:
        raise Conflict(_("%(name)s still provides %(count)d resources: make it inactive instead.",
                         name=supplier.name, count=provided), field="id")
    session.delete(supplier)
    session.flush()
