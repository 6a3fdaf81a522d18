"""Marshmallow schemas of the project API."""
from __future__ import annotations

from marshmallow import fields, validate

from core.api.schemas import RecordSchema, Schema
from plugins.project.models.choices import (
    CHANGE_KINDS,
    PROJECT_TYPES,
    REQUIREMENT_CATEGORIES,
    STATUSES,
    TASK_STATUSES,
)


def _one_of(vocabulary):
    return validate.OneOf(list(vocabulary))


class RequirementSchema(Schema):
    id = fields.Integer(dump_only=True)
    category = fields.String(required=True, validate=_one_of(REQUIREMENT_CATEGORIES))
    details = fields.String(load_default=None, allow_none=True)


class OrderLineSchema(Schema):
    id = fields.Integer(dump_only=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Decimal(load_default=1, as_string=True, validate=validate.Range(min=0))
    unit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    unit_price = fields.Decimal(required=True, as_string=True, validate=validate.Range(min=0))
    amount = fields.Decimal(dump_only=True, as_string=True)


class ProjectSchema(RecordSchema):
    code = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(load_default="conference", validate=_one_of(PROJECT_TYPES))
    status = fields.String(dump_only=True)
    customer_id = fields.Integer(required=True)
    contact_id = fields.Integer(load_default=None, allow_none=True)
    manager_id = fields.Integer(load_default=None, allow_none=True)
    start_at = fields.DateTime(required=True)
    end_at = fields.DateTime(required=True)
    city = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    venue = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    attendance = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=1_000_000))
    description = fields.String(load_default=None, allow_none=True)
    internal_notes = fields.String(load_default=None, allow_none=True)
    requirements = fields.List(fields.Nested(RequirementSchema), load_default=list)
    order_lines = fields.List(fields.Nested(OrderLineSchema), load_default=list)


class ProjectPatchSchema(ProjectSchema):
    class Meta:
        exclude = ("requirements", "order_lines")


class ProjectQuery(Schema):
    q = fields.String(load_default="", metadata={"description": "Code or name prefix"})
    status = fields.String(load_default=None, validate=_one_of(STATUSES))
    city = fields.String(load_default=None)
    customer_id = fields.Integer(load_default=None)


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=_one_of(STATUSES))


class ProgressSchema(Schema):
    percent = fields.Integer()
    tasks = fields.Integer()
    done = fields.Integer()
    overdue = fields.Integer()
    planned_hours = fields.Decimal(as_string=True)


class TaskSchema(RecordSchema):
    project_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    department_id = fields.Integer(dump_only=True)
    assignee_id = fields.Integer(allow_none=True)
    status = fields.String(dump_only=True)
    progress = fields.Integer(dump_only=True)
    planned_hours = fields.Decimal(as_string=True, dump_only=True)
    start_at = fields.DateTime(dump_only=True)
    due_at = fields.DateTime(dump_only=True)
    depends_on_ids = fields.Function(lambda t: [d.id for d in t.depends_on], dump_only=True)


class TaskQuery(Schema):
    project_id = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=_one_of(TASK_STATUSES))
    mine = fields.Boolean(load_default=False)


class ProgressUpdateSchema(RecordSchema):
    task_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    progress = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))
    status = fields.String(load_default=None, validate=_one_of(TASK_STATUSES))
    hours_spent = fields.Decimal(load_default=None, allow_none=True, as_string=True,
                                 validate=validate.Range(min=0))
    note = fields.String(load_default=None, allow_none=True)


class ChangeSchema(RecordSchema):
    project_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=_one_of(CHANGE_KINDS))
    proposed = fields.Dict(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1))
    submit = fields.Boolean(load_default=False, load_only=True)
    status = fields.String(dump_only=True)
    impact = fields.Dict(dump_only=True)
    requester_id = fields.Integer(dump_only=True)
    approver_id = fields.Integer(dump_only=True)
    before = fields.Dict(dump_only=True)
    after = fields.Dict(dump_only=True)
    decision_note = fields.String(dump_only=True)


class DecisionSchema(Schema):
    note = fields.String(load_default=None, allow_none=True)
