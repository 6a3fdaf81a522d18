"""What hangs off a resource by kind: a hall's layouts and parts, a caterer's packages, a troupe's acts.

Each ``set_*`` replaces the list with what was sent, keeping the rows it can
(a layout by its name, a package or an act by its ``id``) so that bookings
pointing at a package or an act keep pointing at it. Every bad item is
refused naming it: ``layouts.1.capacity``, ``acts.0.duration_minutes``.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import ValidationFailed
from plugins.resources.models import Act, Layout, Package, Resource, resource_part
from plugins.resources.models.choices import LAYOUTS
from plugins.resources.operations.values import amount, one_of, text, whole

#: A longest act: a whole day.
MAX_ACT_MINUTES = 24 * 60


def _items(value, field: str) -> list[dict]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, dict) for item in value):
        raise ValidationFailed(_("Send a list of entries."), field=field)
    return list(value)


def set_layouts(resource: Resource, value) -> None:
    existing = {row.layout: row for row in resource.layouts}
    kept, seen = [], set()
    for i, item in enumerate(_items(value, "layouts")):
        name = one_of(item.get("layout"), LAYOUTS, f"layouts.{i}.layout")
        if name in seen:
            raise ValidationFailed(_("Each layout once."), field=f"layouts.{i}.layout")
        seen.add(name)
        row = existing.get(name) or Layout(layout=name)
        row.capacity = whole(item.get("capacity"), f"layouts.{i}.capacity", 1, 100_000)
        kept.append(row)
    resource.layouts = kept


def _by_id(rows, item: dict, field: str, new):
    if item.get("id") is None:
        return new()
    found = next((row for row in rows if row.id == item["id"]), None)
    if found is None:
        raise ValidationFailed(_("Not one of this resource's entries."), field=f"{field}.id")
    return found


def set_packages(resource: Resource, value) -> None:
    kept = []
    for i, item in enumerate(_items(value, "packages")):
        row = _by_id(resource.packages, item, f"packages.{i}", Package)
        row.name = text(item.get("name"), f"packages.{i}.name", required=True, max_length=200)
        row.price_per_head = amount(item.get("price_per_head"), f"packages.{i}.price_per_head")
        row.description = text(item.get("description"), f"packages.{i}.description")
        kept.append(row)
    resource.packages = kept


def set_acts(resource: Resource, value) -> None:
    kept = []
    for i, item in enumerate(_items(value, "acts")):
        row = _by_id(resource.acts, item, f"acts.{i}", Act)
        row.name = text(item.get("name"), f"acts.{i}.name", required=True, max_length=200)
        row.duration_minutes = whole(item.get("duration_minutes"), f"acts.{i}.duration_minutes", 1,
                                     MAX_ACT_MINUTES)
        row.fee = amount(item.get("fee"), f"acts.{i}.fee")
        kept.append(row)
    resource.acts = kept


def set_parts(session, resource: Resource, value) -> None:
    """The halls a combined hall opens into: at least two other venues, none combined itself."""
    if value is None or value == []:
        resource.parts = []
        return
    if not isinstance(value, list | tuple):
        raise ValidationFailed(_("Send a list of entries."), field="part_ids")
    ids = []
    for i, raw in enumerate(value):
        part_id = whole(raw, f"part_ids.{i}", 1)
        if part_id not in ids:
            ids.append(part_id)
    if resource.id is not None and resource.id in ids:
        raise ValidationFailed(_("A combined hall cannot be one of its own parts."), field="part_ids")
    if len(ids) < 2:
        raise ValidationFailed(_("A combined hall opens into at least two halls."), field="part_ids")
    parts = list(session.scalars(select(Resource).where(Resource.id.in_(ids)).order_by(Resource.id)))
    missing = sorted(set(ids) - {p.id for p in parts})
    if missing:
        raise ValidationFailed(_("No resource with id %(id)s.", id=missing[0]), field="part_ids")
    for part in parts:
        if part.kind != "venue":
            raise ValidationFailed(_("%(name)s is not a venue: only halls can be combined.", name=part.name),
                                   field="part_ids")
        if is_combined(session, part.id):
            raise ValidationFailed(_("%(name)s is a combined hall itself.", name=part.name), field="part_ids")
    if resource.id is not None and is_part(session, resource.id):
        raise ValidationFailed(_("This hall is part of a combined hall, so it cannot be combined itself."),
                               field="part_ids")
    resource.parts = parts


def is_combined(session, resource_id: int) -> bool:
    return session.scalar(select(resource_part.c.part_id).where(resource_part.c.combined_id == resource_id)
                          .limit(1)) is not None


def is_part(session, resource_id: int) -> bool:
    return session.scalar(select(resource_part.c.combined_id).where(resource_part.c.part_id == resource_id)
                          .limit(1)) is not None
