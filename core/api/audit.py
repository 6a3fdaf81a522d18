"""GET /api/v1/core/audit?table=&record=: who changed what, newest first."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from core.api.base import page_of, require
from core.api.blueprint import Blueprint
from core.api.schemas import Schema
from core.audit.models import AuditLog

blp = Blueprint("api_core_audit", __name__, url_prefix="core", description="Audit log")


class AuditQuerySchema(Schema):
    table = fields.String(load_default=None, validate=validate.Length(min=1, max=80),
                          metadata={"description": "Table name, e.g. core_user"})
    record = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                           metadata={"description": "The record's id (with table)"})
    user = fields.String(load_default=None, validate=validate.Length(min=1, max=80),
                         metadata={"description": "Login of the user who made the change"})


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    user_id = fields.Integer(allow_none=True)
    user_login = fields.String()
    action = fields.String(metadata={"description": "insert, update or delete"})
    table_name = fields.String()
    record_id = fields.String()
    changes = fields.Dict(metadata={"description": "{column: [before, after]}; hidden values read ***"})


@blp.route("/audit")
class Audit(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(page_size=50, max_page_size=200)
    def get(self, args, pagination_parameters):
        require("core.audit.read")
        stmt = select(AuditLog).order_by(AuditLog.id.desc())
        if args["table"]:
            stmt = stmt.where(AuditLog.table_name == args["table"])
        if args["record"]:
            stmt = stmt.where(AuditLog.record_id == args["record"])
        if args["user"]:
            stmt = stmt.where(AuditLog.user_login == args["user"])
        return page_of(stmt, pagination_parameters)
