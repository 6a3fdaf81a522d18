"""Marshmallow schemas shared by the API and the Excel import.

Input schemas check shape and vocabulary; identifiers (credit code, mobile,
e-mail) are checked by the models, so the same rules hold however a row
arrives.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from plugins.crm.models.choices import (
    COMMUNICATION_KINDS,
    INDUSTRIES,
    LEVELS,
    PREFERENCE_KINDS,
    SEGMENTS,
    SIZES,
    SOURCES,
)


def _one_of(vocabulary):
    return validate.OneOf(list(vocabulary))


def _text(n, **kw):
    return fields.String(validate=validate.Length(max=n), load_default=None, allow_none=True, **kw)


class CustomerIn(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    credit_code = _text(30)
    industry = fields.String(validate=_one_of(INDUSTRIES), load_default=None, allow_none=True)
    size = fields.String(validate=_one_of(SIZES), load_default=None, allow_none=True)
    province = _text(30)
    city = _text(30)
    address = _text(300)
    source = fields.String(validate=_one_of(SOURCES), load_default=None, allow_none=True)
    level = fields.String(validate=_one_of(LEVELS), load_default="normal")
    account_manager_id = fields.Integer(load_default=None, allow_none=True)
    notes = fields.String(load_default=None, allow_none=True)


class CustomerPatch(CustomerIn):
    """A partial change; ``version`` is the one the client read (409 when stale)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    level = fields.String(validate=_one_of(LEVELS))
    version = fields.Integer(required=True)


class StatsOut(Schema):
    first_meeting_at = fields.DateTime()
    last_meeting_at = fields.DateTime()
    meeting_count = fields.Integer()
    total_spend = fields.Decimal(as_string=True)
    last_activity_at = fields.DateTime()
    rfm_recency_days = fields.Integer()
    rfm_frequency = fields.Integer()
    rfm_monetary = fields.Decimal(as_string=True)
    rfm_r = fields.Integer()
    rfm_f = fields.Integer()
    rfm_m = fields.Integer()
    segment = fields.String()


class TagOut(Schema):
    id = fields.Integer()
    name = fields.String()


class CustomerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    credit_code = fields.String()
    industry = fields.String()
    size = fields.String()
    province = fields.String()
    city = fields.String()
    address = fields.String()
    source = fields.String()
    level = fields.String()
    account_manager_id = fields.Integer()
    notes = fields.String()
    stats = fields.Nested(StatsOut)
    tags = fields.List(fields.Nested(TagOut))
    version = fields.Integer()
    duplicate_flags = fields.Method("_flags")

    def _flags(self, obj):
        return [{"other_customer_id": f.other_customer_id, "reason": f.reason, "score": f.score}
                for f in getattr(obj, "new_flags", [])]


class ContactIn(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    title = _text(60)
    department = _text(60)
    is_primary = fields.Boolean(load_default=False)
    mobile = _text(30)
    email = _text(200)
    wechat = _text(60)
    id_number = _text(30)
    notes = fields.String(load_default=None, allow_none=True)


class ContactCreate(ContactIn):
    customer_id = fields.Integer(required=True)


class ContactPatch(ContactIn):
    name = fields.String(validate=validate.Length(min=1, max=60))
    is_primary = fields.Boolean()
    version = fields.Integer(required=True)


class ContactOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    name = fields.String()
    title = fields.String()
    department = fields.String()
    is_primary = fields.Boolean()
    mobile = fields.String()
    email = fields.String()
    wechat = fields.String()
    version = fields.Integer()


class CommunicationIn(Schema):
    customer_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["call", "email", "visit", "minutes"]))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(load_default=None, allow_none=True)
    contact_id = fields.Integer(load_default=None, allow_none=True)
    occurred_at = fields.AwareDateTime(load_default=None, allow_none=True)
    direction = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["in", "out"]))


class CommunicationOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    contact_id = fields.Integer()
    kind = fields.String(validate=_one_of(COMMUNICATION_KINDS))
    direction = fields.String()
    subject = fields.String()
    body = fields.String()
    occurred_at = fields.DateTime()
    owner_id = fields.Integer()
    event = fields.String()
    meeting_id = fields.Integer()
    due_at = fields.DateTime()
    done_at = fields.DateTime()
    attachment_names = fields.String()


class PreferenceOut(Schema):
    kind = fields.String(validate=_one_of(PREFERENCE_KINDS))
    value = fields.String()


class CustomerQuery(Schema):
    q = fields.String(load_default="", metadata={"description": "Name prefix"})
    segment = fields.String(load_default=None, validate=_one_of(SEGMENTS))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ContactQuery(Schema):
    mobile = fields.String(load_default=None)
    email = fields.String(load_default=None)
    customer_id = fields.Integer(load_default=None)


class SegmentOut(Schema):
    segment = fields.String()
    title = fields.String()
    customers = fields.Integer()
    avg_recency_days = fields.Float(allow_none=True)
    avg_frequency = fields.Float(allow_none=True)
    avg_monetary = fields.Float(allow_none=True)


class RunOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    window_months = fields.Integer()
    scored = fields.Integer()
    moved = fields.Integer()


class ImportErrorOut(Schema):
    sheet = fields.String()
    row = fields.Integer()
    field = fields.String()
    message = fields.String()


class ImportReportOut(Schema):
    applied = fields.Boolean()
    customers = fields.Integer()
    contacts = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorOut))
