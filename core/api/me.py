"""GET /api/v1/core/me: who the API thinks you are, and what you may do."""
from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_wtf.csrf import generate_csrf
from marshmallow import fields

from core.api.base import require_login
from core.api.blueprint import Blueprint
from core.api.schemas import Schema

blp = Blueprint("api_core_me", __name__, url_prefix="core", description="The caller")


class MeSchema(Schema):
    id = fields.Integer()
    login = fields.String()
    name = fields.String()
    is_portal = fields.Boolean()
    is_superuser = fields.Boolean()
    locale = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    permissions = fields.List(fields.String(), metadata={
        "description": "Held permissions; a superuser holds every one"})
    scopes = fields.List(fields.String(), allow_none=True, metadata={
        "description": "The token's scopes; null when not limited"})
    via_token = fields.Boolean()
    csrf_token = fields.String(allow_none=True, metadata={
        "description": "With the session cookie: send it as X-CSRFToken on writes"})


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        who = require_login()
        held = current_app.extensions["huiwu"].permissions if who.is_superuser else who.permissions
        return {
            "id": who.user_id, "login": who.login, "name": who.name,
            "is_portal": who.is_portal, "is_superuser": who.is_superuser, "locale": who.locale,
            "roles": sorted(who.role_names),
            "permissions": sorted(p for p in held if who.can(p)),
            "scopes": list(who.scopes) if who.scopes is not None else None,
            "via_token": g.via_token,
            "csrf_token": None if g.via_token else generate_csrf(),
        }
