"""Change requests."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import select

from core.api.base import db, page_of, require
from core.api.schemas import Schema
from plugins.project.api import blp
from plugins.project.models import ChangeRequest
from plugins.project.operations import changes as ops
from plugins.project.operations.common import get_or_404
from plugins.project.operations.projects import get_project
from plugins.project.schemas import ChangeSchema, DecisionSchema


class ChangeQuery(Schema):
    project_id = fields.Integer(load_default=None)


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangeQuery, location="query")
    @blp.response(200, ChangeSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        require("project.change.read")
        stmt = select(ChangeRequest).order_by(ChangeRequest.id.desc())
        if query["project_id"]:
            stmt = stmt.where(ChangeRequest.project_id == query["project_id"])
        return page_of(stmt, pagination_parameters)

    @blp.arguments(ChangeSchema)
    @blp.response(201, ChangeSchema)
    def post(self, data):
        """Raise a change request (``submit``: straight to approval)."""
        require("project.change.create")
        session = db()
        change = ops.create_change(session, get_project(session, data["project_id"]), data["kind"],
                                   data["proposed"], data["reason"], submit=data["submit"])
        session.commit()
        return change


@blp.route("/changes/<int:change_id>")
class ChangeById(MethodView):
    @blp.response(200, ChangeSchema)
    def get(self, change_id):
        require("project.change.read")
        return get_or_404(db(), ChangeRequest, change_id)


def _decide(change_id, action, *args):
    session = db()
    change = action(session, get_or_404(session, ChangeRequest, change_id), *args)
    session.commit()
    return change


@blp.route("/changes/<int:change_id>/submit")
class Submit(MethodView):
    @blp.response(200, ChangeSchema)
    def post(self, change_id):
        require("project.change.create")
        return _decide(change_id, ops.submit_change)


@blp.route("/changes/<int:change_id>/approve")
class Approve(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ChangeSchema)
    def post(self, data, change_id):
        require("project.change.approve")
        return _decide(change_id, ops.approve, data["note"])


@blp.route("/changes/<int:change_id>/reject")
class Reject(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ChangeSchema)
    def post(self, data, change_id):
        require("project.change.approve")
        return _decide(change_id, ops.reject, data["note"])
