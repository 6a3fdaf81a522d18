"""POST/GET/DELETE /api/v1/core/tokens: the caller's own API tokens.

The raw token is in the answer to POST and nowhere else, ever. A token's
scopes limit it to some of its owner's permissions; a token can only mint
tokens within its own scopes, so a narrow token never widens itself.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import select

from core.api.base import abort_not_found, db, require_login
from core.api.blueprint import Blueprint
from core.api.schemas import RecordSchema
from core.db.types import utcnow
from core.errors import Forbidden, ValidationFailed
from core.security import log as security_log
from core.security import tokens
from core.security.models import ApiToken

blp = Blueprint("api_core_tokens", __name__, url_prefix="core", description="Your API tokens")


class TokenSchema(RecordSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(fields.String(validate=validate.Length(min=1, max=120)),
                         load_default=list, validate=validate.Length(max=50), metadata={
                             "description": "Permission ids or prefixes ending in '.', e.g. "
                                            "'crm.' or 'crm.customer.read'; empty: all of yours"})
    expires_in_days = fields.Integer(load_only=True, load_default=None, allow_none=True,
                                     validate=validate.Range(min=1, max=3650))
    expires_at = fields.AwareDateTime(dump_only=True)
    revoked_at = fields.AwareDateTime(dump_only=True)
    prefix = fields.String(dump_only=True, metadata={"description": "First characters, to recognise it"})


class IssuedTokenSchema(TokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "The token itself: shown this once"})


def _scope_list(token: ApiToken) -> list[str]:
    return token.scopes.split()


def check_scopes(permissions, requested: list[str], current: tuple[str, ...] | None) -> list[str]:
    """The scopes a new token gets: known ones, and within the caller's own when it is limited."""
    unknown = [s for s in requested
               if not any(p == s or (s.endswith(".") and p.startswith(s)) for p in permissions)]
    if unknown:
        raise ValidationFailed(_("Unknown permission: %(names)s", names=", ".join(unknown)), field="scopes")
    if current is None:
        return requested
    if not requested:
        return list(current)
    wider = [s for s in requested
             if not any(s == c or (c.endswith(".") and s.startswith(c)) for c in current)]
    if wider:
        raise Forbidden(_("A token cannot create a token with more rights than its own: %(names)s",
                          names=", ".join(wider)))
    return requested


def _present(token: ApiToken, raw: str | None = None) -> dict:
    data = {c: getattr(token, c) for c in ("id", "version", "created_at", "updated_at", "name",
                                           "expires_at", "revoked_at", "prefix")}
    data["scopes"] = _scope_list(token)
    if raw is not None:
        data["token"] = raw
    return data


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        who = require_login()
        rows = db().execute(select(ApiToken).where(ApiToken.user_id == who.user_id)
                            .order_by(ApiToken.id)).scalars()
        return [_present(t) for t in rows]

    @blp.arguments(TokenSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data):
        who = require_login()
        kernel = current_app.extensions["huiwu"]
        scopes = check_scopes(kernel.permissions, data["scopes"], who.scopes)
        days = data.get("expires_in_days")
        session = db()
        token, raw = tokens.issue(session, who.user_id, data["name"], " ".join(scopes),
                                  expires_at=utcnow() + timedelta(days=days) if days else None)
        security_log.record(session, "token_issued", who, f"{token.name} ({token.prefix})",
                            ip=request.remote_addr)
        session.commit()
        return _present(token, raw)


@blp.route("/tokens/<int:token_id>")
class TokenById(MethodView):
    @blp.response(204)
    def delete(self, token_id):
        who = require_login()
        session = db()
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != who.user_id:
            abort_not_found()
        if token.revoked_at is None:
            tokens.revoke(session, token)
            security_log.record(session, "token_revoked", who, f"{token.name} ({token.prefix})",
                                ip=request.remote_addr)
            session.commit()
