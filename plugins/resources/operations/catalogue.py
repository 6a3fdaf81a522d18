"""Creating and changing the catalogue's resources, with what each kind needs.

``create_resource`` and ``update_resource`` are what the admin, the API and
the demo data go through. Besides the types of the values, each kind has its
rules, refused naming the field:

- a venue is booked whole (stock 1) and states its capacity in at least one layout;
- equipment has a stock of at least one and a unit (台, 套 ...);
- a caterer serves between ``min_guests`` and its stock (the most guests it
  takes) and offers packages priced per head;
- a troupe lists its acts, each with a duration and a fee;
- a combined hall is a venue opening into at least two other venues, none of
  them combined itself.

A resource left without a code gets the next of its kind: ``VEN-0001``,
``EQP-0001``, ``CAT-0001``, ``TRP-0001``, ``GEN-0001``.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import Conflict, ValidationFailed
from core.services.sequences import next_number
from plugins.project.operations.common import decimal, get_or_404, require
from plugins.resources.models import Resource, Supplier
from plugins.resources.models.choices import KINDS, PRICING_UNITS, RESOURCE_STATUSES
from plugins.resources.operations import catalogue_details as details
from plugins.resources.operations import footprint, occupancy
from plugins.resources.operations.values import amount, one_of, optional_whole, text, whole

CODE_PREFIX = {"venue": "VEN", "equipment": "EQP", "catering": "CAT", "troupe": "TRP", "generic": "GEN"}
DEFAULT_PRICING_UNIT = {"venue": "day", "equipment": "unit_day", "catering": "head", "troupe": "event",
                        "generic": "day"}
#: Set-up or tear-down longer than a week is a typing mistake.
MAX_BUFFER_MINUTES = 7 * 24 * 60
MAX_STOCK = 1_000_000
#: How far ahead a stock reduction is checked against the bookings already taken.
STOCK_HORIZON = timedelta(days=5 * 365)


def get_resource(session, resource_id) -> Resource:
    return get_or_404(session, Resource, resource_id)


def _clean(session, data: dict, partial: bool) -> dict:
    """Checked values of the plain columns present in ``data`` (all required ones unless ``partial``)."""
    out: dict = {}
    simple_text = {"specification": None, "unit_label": 20, "city": 30, "location": 300, "floor": 20,
                   "facilities": None, "notes": None}
    for key, limit in simple_text.items():
        if key in data:
            out[key] = text(data[key], key, max_length=limit)
    if not partial or "name" in data:
        out["name"] = text(data.get("name"), "name", required=True, max_length=200)
    if not partial or "kind" in data:
        out["kind"] = one_of(data.get("kind"), KINDS, "kind")
    if "code" in data:
        out["code"] = (text(data["code"], "code", max_length=30) or "").upper()
    if data.get("pricing_unit") is not None:
        out["pricing_unit"] = one_of(data["pricing_unit"], PRICING_UNITS, "pricing_unit")
    if data.get("status") is not None:
        out["status"] = one_of(data["status"], RESOURCE_STATUSES, "status")
    if data.get("unit_price") is not None:
        out["unit_price"] = amount(data["unit_price"], "unit_price")
    if data.get("stock") is not None:
        out["stock"] = whole(data["stock"], "stock", 1, MAX_STOCK)
    for key in ("setup_minutes", "teardown_minutes"):
        if data.get(key) is not None:
            out[key] = whole(data[key], key, 0, MAX_BUFFER_MINUTES)
    for key, top in (("capacity", 1_000_000), ("min_guests", MAX_STOCK)):
        if key in data:
            out[key] = optional_whole(data[key], key, 1, top)
    if "area_m2" in data:
        out["area_m2"] = None if data["area_m2"] in (None, "") else decimal(data["area_m2"], "area_m2")
    if "auto_approve" in data:
        out["auto_approve"] = bool(data["auto_approve"])
    if "supplier_id" in data:
        out["supplier_id"] = _supplier_id(session, data["supplier_id"])
    return out


def _supplier_id(session, value) -> int | None:
    if value in (None, ""):
        return None
    supplier_id = whole(value, "supplier_id", 1)
    if session.get(Supplier, supplier_id) is None:
        raise ValidationFailed(_("Choose an existing supplier."), field="supplier_id")
    return supplier_id


def _set_details(session, resource: Resource, data: dict) -> None:
    if "layouts" in data:
        details.set_layouts(resource, data["layouts"] or [])
    if "packages" in data:
        details.set_packages(resource, data["packages"] or [])
    if "acts" in data:
        details.set_acts(resource, data["acts"] or [])
    if "part_ids" in data:
        details.set_parts(session, resource, data["part_ids"])


def check_kind(resource: Resource) -> None:
    """The rules of the resource's kind (see the module docstring)."""
    kind = resource.kind
    if resource.parts and kind != "venue":
        raise ValidationFailed(_("Only a venue can be a combined hall."), field="part_ids")
    if kind == "venue":
        if resource.stock != 1:
            raise ValidationFailed(_("A venue is booked whole: its stock is 1."), field="stock")
        if not resource.layouts:
            raise ValidationFailed(_("State the hall's capacity in at least one layout."), field="layouts")
    elif kind == "equipment":
        if not resource.unit_label:
            raise ValidationFailed(_("Say what one unit is called (台, 套, 个 ...)."), field="unit_label")
    elif kind == "catering":
        _check_caterer(resource)
    elif kind == "troupe" and not resource.acts:
        raise ValidationFailed(_("List at least one act, with its duration and fee."), field="acts")


def _check_caterer(resource: Resource) -> None:
    if not resource.min_guests:
        raise ValidationFailed(_("State the fewest guests the caterer accepts."), field="min_guests")
    if resource.stock < resource.min_guests:
        raise ValidationFailed(_("The most guests (stock) must be at least the fewest (%(min)d).",
                                 min=resource.min_guests), field="stock")
    if resource.pricing_unit != "head":
        raise ValidationFailed(_("A caterer charges per head."), field="pricing_unit")
    if not resource.packages:
        raise ValidationFailed(_("Offer at least one package, priced per head."), field="packages")


def _check_code(session, resource: Resource) -> None:
    stmt = select(Resource.id).where(Resource.code == resource.code)
    if resource.id is not None:
        stmt = stmt.where(Resource.id != resource.id)
    if session.scalar(stmt.execution_options(huiwu_system=True)) is not None:
        raise ValidationFailed(_("The code %(code)s is already used.", code=resource.code), field="code")


def new_code(session, kind: str) -> str:
    """The next free code of ``kind`` (skipping codes someone typed by hand)."""
    prefix = CODE_PREFIX[kind]
    while True:
        code = next_number(session, f"resources.code.{kind}", prefix + "-{n:04d}", period="none")
        taken = session.scalar(select(Resource.id).where(Resource.code == code)
                               .execution_options(huiwu_system=True))
        if taken is None:
            return code


def create_resource(session, data: dict) -> Resource:
    """A new resource of the catalogue, checked for its kind, numbered when no code is given."""
    require(session, "resources.resource.create")
    values = _clean(session, data, partial=False)
    values.setdefault("pricing_unit", DEFAULT_PRICING_UNIT[values["kind"]])
    resource = Resource(**{"stock": 1, "status": "available", "unit_price": 0, "setup_minutes": 0,
                           "teardown_minutes": 0, "auto_approve": False, **values})
    _set_details(session, resource, data)
    check_kind(resource)
    if resource.code:
        _check_code(session, resource)
    else:
        resource.code = new_code(session, resource.kind)
    session.add(resource)
    session.flush()
    return resource


def update_resource(session, resource: Resource, data: dict) -> Resource:
    """Change ``resource``; a stock below what is already booked at one time is refused.

    A change of buffers, parts or stock rewrites what the coming bookings
    occupy (``footprint``), or is refused when two of them would clash.
    """
    require(session, "resources.resource.update")
    values = _clean(session, data, partial=True)
    if values.get("code") == "":
        raise ValidationFailed(_("This field is required."), field="code")
    old_stock = resource.stock
    before = footprint.snapshot(resource)
    for key, value in values.items():
        setattr(resource, key, value)
    _set_details(session, resource, data)
    check_kind(resource)
    if "code" in values:
        _check_code(session, resource)
    if resource.stock < old_stock:
        _check_stock_covers_bookings(session, resource)
    footprint.keep_true(session, resource, before)
    session.flush()
    return resource


def _check_stock_covers_bookings(session, resource: Resource) -> None:
    now = utcnow()
    rows = occupancy.taken(session, [resource.id], now, now + STOCK_HORIZON)
    in_use = occupancy.peak(rows, now, now + STOCK_HORIZON)
    if in_use > resource.stock:
        raise Conflict(_("%(count)d are booked at the same time already; cancel or move bookings before "
                         "lowering the stock.", count=in_use), field="stock")
