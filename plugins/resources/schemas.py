"""Marshmallow schemas of the resources API.

They check shape and vocabulary; the rules of each kind and of booking
(capacities, stock, windows, who may book what) live in ``operations``, so
the admin, the API and the demo data meet the same refusals.
"""
from __future__ import annotations

from flask import url_for
from marshmallow import ValidationError, fields, validate

from core.api.base import db
from core.api.schemas import RecordSchema, Schema
from plugins.resources.models.choices import (
    BOOKING_STATUSES,
    KINDS,
    LAYOUTS,
    NEED_STATUSES,
    PRICING_UNITS,
    RESOURCE_STATUSES,
)
from plugins.resources.operations.attention import alternatives_of
from plugins.resources.operations.photos import photos_of


def _one_of(vocabulary):
    return validate.OneOf(list(vocabulary))


def _text(n=None, **kw):
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=n) if n else None, **kw)


def _money(**kw):
    return fields.Decimal(as_string=True, places=2, validate=validate.Range(min=0), **kw)


def _count(**kw):
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000), **kw)


# -- catalogue ------------------------------------------------------------------------

class SupplierSchema(RecordSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    contact_name = _text(100)
    phone = _text(30)
    email = _text(200)
    address = _text(300)
    notes = _text()
    active = fields.Boolean(load_default=True)


class LayoutSchema(Schema):
    layout = fields.String(required=True, validate=_one_of(LAYOUTS))
    capacity = _count(required=True)


class PackageSchema(Schema):
    id = fields.Integer(load_default=None, allow_none=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    price_per_head = _money(required=True)
    description = _text()


class ActSchema(Schema):
    id = fields.Integer(load_default=None, allow_none=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = _count(required=True)
    fee = _money(required=True)


def _part_ids(value):
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError("Not a valid list of ids.")
    return value


class ResourceSchema(RecordSchema):
    code = _text(30, metadata={"description": "Left empty, the next of the kind: VEN-0001, EQP-0001 ..."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=_one_of(KINDS))
    specification = _text()
    supplier_id = fields.Integer(load_default=None, allow_none=True)
    unit_price = _money(load_default=None, allow_none=True)
    pricing_unit = fields.String(load_default=None, allow_none=True, validate=_one_of(PRICING_UNITS))
    stock = _count(load_default=None, allow_none=True, metadata={"description": "1 = exclusive"})
    unit_label = _text(20)
    status = fields.String(load_default=None, allow_none=True, validate=_one_of(RESOURCE_STATUSES))
    city = _text(30)
    location = _text(300)
    setup_minutes = _count(load_default=None, allow_none=True)
    teardown_minutes = _count(load_default=None, allow_none=True)
    area_m2 = fields.Decimal(as_string=True, load_default=None, allow_none=True, validate=validate.Range(min=0))
    floor = _text(20)
    facilities = _text()
    capacity = _count(load_default=None, allow_none=True)
    min_guests = _count(load_default=None, allow_none=True)
    auto_approve = fields.Boolean(load_default=False)
    notes = _text()
    layouts = fields.List(fields.Nested(LayoutSchema), load_default=list)
    packages = fields.List(fields.Nested(PackageSchema), load_default=list)
    acts = fields.List(fields.Nested(ActSchema), load_default=list)
    part_ids = fields.Function(lambda r: [p.id for p in r.parts], deserialize=_part_ids, load_default=list,
                               metadata={"description": "A combined hall: the ids of the halls it opens into"})


class PhotoSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    url = fields.Function(lambda a: url_for("attachments.download", attachment_id=a.id),
                          metadata={"description": "The image, for those who may read the resource"})


class ResourceDetailsSchema(ResourceSchema):
    """One resource as ``GET /resources/<id>`` shows it: with its photos (attached in the admin)."""

    photos = fields.Method("_photos", dump_only=True)

    def _photos(self, resource):
        return PhotoSchema(many=True).dump(photos_of(db(), resource))


class ResourceQuery(Schema):
    q = fields.String(load_default="", metadata={"description": "Code prefix, or part of the name"})
    kind = fields.String(load_default=None, validate=_one_of(KINDS))
    status = fields.String(load_default=None, validate=_one_of(RESOURCE_STATUSES))
    city = fields.String(load_default=None)
    supplier_id = fields.Integer(load_default=None)


# -- bookings -------------------------------------------------------------------------

class BookingSchema(RecordSchema):
    code = fields.String(dump_only=True)
    project_id = fields.Integer(required=True)
    resource_id = fields.Integer(required=True)
    quantity = fields.Integer(strict=True, load_default=None, allow_none=True)
    guests = fields.Integer(strict=True, load_default=None, allow_none=True)
    layout = fields.String(load_default=None, allow_none=True, validate=_one_of(LAYOUTS))
    package_id = fields.Integer(load_default=None, allow_none=True)
    act_id = fields.Integer(load_default=None, allow_none=True)
    starts_at = fields.DateTime(required=True, metadata={"description": "Without a zone: the company's"})
    ends_at = fields.DateTime(required=True)
    notes = _text()
    hold = fields.Boolean(load_default=False, load_only=True,
                          metadata={"description": "Hold the resource tentatively instead of requesting it"})
    waitlist = fields.Boolean(load_default=False, load_only=True,
                              metadata={"description": "Join the waiting list when the slot is taken"})
    status = fields.String(dump_only=True)
    rank = fields.Integer(dump_only=True)
    hold_expires_at = fields.AwareDateTime(dump_only=True)
    approved_by_id = fields.Integer(dump_only=True)
    confirmed_at = fields.AwareDateTime(dump_only=True)
    closed_at = fields.AwareDateTime(dump_only=True)
    reason = fields.String(dump_only=True)
    unit_price = fields.Decimal(as_string=True, dump_only=True)
    subtotal = fields.Decimal(as_string=True, dump_only=True)
    tax = fields.Decimal(as_string=True, dump_only=True)
    total = fields.Decimal(as_string=True, dump_only=True)
    flagged = fields.Boolean(dump_only=True, metadata={
        "description": "Could not follow a project change: ``reason`` says why, ``alternatives`` what is free"})
    alternatives = fields.Method("_alternatives", dump_only=True, metadata={
        "description": "Up to three free resources that would do instead (when flagged)"})
    project_change_id = fields.Integer(dump_only=True, metadata={
        "description": "The last project change request this booking followed"})
    created_by_id = fields.Integer(dump_only=True)

    def _alternatives(self, booking):
        return alternatives_of(booking)


class BookingChangeSchema(RecordSchema):
    """What a change of an active booking may touch: its window and quantity (and guests, layout, notes)."""

    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    quantity = fields.Integer(strict=True, allow_none=True)
    guests = fields.Integer(strict=True, allow_none=True)
    layout = fields.String(allow_none=True, validate=_one_of(LAYOUTS))
    notes = fields.String(allow_none=True)


class BookingQuery(Schema):
    q = fields.String(load_default="", metadata={"description": "Booking code prefix"})
    project_id = fields.Integer(load_default=None)
    resource_id = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=_one_of(BOOKING_STATUSES))
    kind = fields.String(load_default=None, validate=_one_of(KINDS))
    starts_after = fields.DateTime(load_default=None, data_key="from",
                                   metadata={"description": "Bookings still running after this instant"})
    ends_before = fields.DateTime(load_default=None, data_key="to",
                                  metadata={"description": "Bookings starting before this instant"})
    flagged = fields.Boolean(load_default=None, metadata={
        "description": "Only the bookings flagged for attention (true) or only the others (false)"})


class ReasonSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True)


class QuoteRequestSchema(Schema):
    resource_id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    quantity = fields.Integer(strict=True, load_default=None, allow_none=True)
    guests = fields.Integer(strict=True, load_default=None, allow_none=True)
    layout = fields.String(load_default=None, allow_none=True, validate=_one_of(LAYOUTS))
    package_id = fields.Integer(load_default=None, allow_none=True)
    act_id = fields.Integer(load_default=None, allow_none=True)


class QuoteLineSchema(Schema):
    label = fields.String()
    pricing_unit = fields.String()
    units = fields.Integer()
    quantity = fields.Integer()
    unit_price = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)


class QuoteSchema(Schema):
    lines = fields.List(fields.Nested(QuoteLineSchema))
    subtotal = fields.Decimal(as_string=True)
    tax_rate = fields.Decimal(as_string=True)
    tax = fields.Decimal(as_string=True)
    total = fields.Decimal(as_string=True)


# -- contracts ------------------------------------------------------------------------

class ContractSchema(Schema):
    """One version of a booking's contract; ``url`` serves its PDF."""

    revision = fields.Integer(metadata={"description": "1 on confirmation, then 2, 3 ... after each change"})
    number = fields.String(metadata={"description": "As printed: HT-2030-000001, HT-2030-000001-V2 ..."})
    created_at = fields.AwareDateTime()
    sha256 = fields.String(metadata={"description": "Of the PDF's bytes"})
    note = fields.String(allow_none=True, metadata={"description": "Why this version was made"})
    total = fields.Decimal(as_string=True)
    url = fields.Function(lambda c: url_for("resources.contract_pdf", booking_id=c.booking_id,
                                            revision=c.revision))


# -- needs and allocation ---------------------------------------------------------------

class NeedSchema(RecordSchema):
    """A project's need; kinds, layouts and numbers are checked by ``operations.needs`` (422 naming the field)."""

    project_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "What it is for: 主会场, 欢迎晚宴 ..."})
    kind = fields.String(required=True, metadata={"description": "venue, equipment, catering, troupe, generic"})
    starts_at = fields.DateTime(required=True, metadata={"description": "Without a zone: the company's"})
    ends_at = fields.DateTime(required=True)
    layout = fields.String(load_default=None, allow_none=True)
    guests = fields.Integer(strict=True, load_default=None, allow_none=True)
    quantity = fields.Integer(strict=True, load_default=None, allow_none=True)
    match = _text(100, metadata={"description": "Only resources whose code or name contains this (投影机); "
                                                "required for equipment and other kinds"})
    city = _text(30, metadata={"description": "Only resources in this city; any when empty"})
    weight = fields.Integer(strict=True, load_default=None, allow_none=True,
                            metadata={"description": "Importance, 1 to 100 (default 1)"})
    notes = _text()
    status = fields.String(dump_only=True, metadata={"description": "open, booked, cancelled"})
    booking_id = fields.Integer(dump_only=True, allow_none=True)


class NeedChangeSchema(RecordSchema):
    name = fields.String()
    kind = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    layout = fields.String(allow_none=True)
    guests = fields.Integer(strict=True, allow_none=True)
    quantity = fields.Integer(strict=True, allow_none=True)
    match = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    weight = fields.Integer(strict=True, allow_none=True)
    notes = fields.String(allow_none=True)


class NeedQuery(Schema):
    project_id = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=_one_of(NEED_STATUSES))
    kind = fields.String(load_default=None, validate=_one_of(KINDS))


class AllocationRequestSchema(Schema):
    """One project (``project_id``), or a period (``starts_at``, ``ends_at``) with the ``kinds`` in play."""

    project_id = fields.Integer(load_default=None, allow_none=True)
    starts_at = fields.DateTime(load_default=None, allow_none=True,
                                metadata={"description": "Period mode; without a zone: the company's"})
    ends_at = fields.DateTime(load_default=None, allow_none=True)
    kinds = fields.List(fields.String(), load_default=list, metadata={"description": "Every kind when empty"})
    time_limit = fields.Integer(strict=True, load_default=None, allow_none=True,
                                metadata={"description": "Seconds the solver may take, 1 to 60 (default 10)"})


class ReasonLineSchema(Schema):
    code = fields.String(metadata={"description": "Stable code of the reason"})
    text = fields.String(metadata={"description": "The reason in the caller's language"})


class AllocationLineSchema(Schema):
    request = fields.String(metadata={"description": "need-<id> or booking-<id>"})
    need_id = fields.Integer(allow_none=True)
    booking_id = fields.Integer(allow_none=True)
    project_id = fields.Integer()
    project = fields.String()
    name = fields.String()
    kind = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    layout = fields.String(allow_none=True)
    guests = fields.Integer(allow_none=True)
    quantity = fields.Integer()
    weight = fields.Integer()
    resource_id = fields.Integer(allow_none=True, metadata={"description": "What it gets (assignments)"})
    resource_code = fields.String(allow_none=True)
    resource_name = fields.String(allow_none=True)
    moved_from = fields.Integer(allow_none=True, metadata={"description": "A pending booking moved: its resource"})
    fee = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "Before tax"})
    idle = fields.Integer(allow_none=True, metadata={"description": "Empty seats"})
    reasons = fields.List(fields.Nested(ReasonLineSchema))
    explanation = fields.String(metadata={"description": "The reasons as one text"})


class AllocationRunSchema(Schema):
    id = fields.Integer()
    mode = fields.String(metadata={"description": "project or period"})
    status = fields.String(metadata={"description": "proposed, applied or stale"})
    project_id = fields.Integer(allow_none=True)
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    kinds = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    created_by_id = fields.Integer(allow_none=True)
    applied_at = fields.AwareDateTime(allow_none=True)
    applied_by_id = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True, metadata={"description": "Why it went stale"})
    figures = fields.Dict(metadata={"description": "requests, served, weight, weight_total, weight_bound, cost, "
                                                   "idle, moves, objective, bound, gap, status, wall_time"})
    assignments = fields.List(fields.Nested(AllocationLineSchema))
    unserved = fields.List(fields.Nested(AllocationLineSchema))


class AppliedSchema(Schema):
    request = fields.String()
    action = fields.String(metadata={"description": "booked, moved, offered (a waiting booking held) or kept"})
    booking = fields.Nested(BookingSchema)


class AllocationAppliedSchema(Schema):
    run = fields.Nested(AllocationRunSchema)
    bookings = fields.List(fields.Nested(AppliedSchema))
