"""GET/POST /api/v1/core/users, GET/PATCH /api/v1/core/users/<id>.

Granting or taking away a role needs every permission of that role: an
administrator of users cannot hand out more than they hold themselves.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import or_, select

from core.api.base import abort_not_found, check_version, db, page_of, require
from core.api.blueprint import Blueprint
from core.api.schemas import RecordSchema, Schema, version_field
from core.errors import Forbidden, ValidationFailed
from core.security.models import Role, User
from core.security.users import create_user
from core.web.i18n import LOCALES

blp = Blueprint("api_core_users", __name__, url_prefix="core", description="Users")

LOCALE_FIELD = {"allow_none": True, "validate": validate.OneOf(list(LOCALES))}


class UserSchema(RecordSchema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=80))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    locale = fields.String(load_default=None, **LOCALE_FIELD)
    is_portal = fields.Boolean(load_default=False)
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                        load_default=list, validate=validate.Length(max=100))
    active = fields.Boolean(dump_only=True)
    is_superuser = fields.Boolean(dump_only=True)
    departments = fields.List(fields.String(), dump_only=True)
    last_login_at = fields.AwareDateTime(dump_only=True)


class UserUpdateSchema(Schema):
    version = version_field()
    name = fields.String(validate=validate.Length(min=1, max=100))
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    locale = fields.String(**LOCALE_FIELD)
    active = fields.Boolean()
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=60)),
                        validate=validate.Length(max=100))


class UserQuerySchema(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=80),
                      metadata={"description": "Part of the login or name"})
    active = fields.Boolean(load_default=None, allow_none=True)


def present(user: User) -> dict:
    data = {c: getattr(user, c) for c in (
        "id", "version", "created_at", "updated_at", "login", "name", "email", "locale",
        "is_portal", "active", "is_superuser", "last_login_at")}
    data["roles"] = sorted(r.name for r in user.roles)
    data["departments"] = sorted(d.name for d in user.departments)
    return data


def check_grantable(who, role_names) -> None:
    """403 unless the caller holds every permission of each role in ``role_names``."""
    if who.is_superuser or not role_names:
        return
    roles = db().execute(select(Role).where(Role.name.in_(list(role_names)))).scalars()
    too_wide = sorted(r.name for r in roles if not all(who.can(p) for p in r.permission_ids))
    if too_wide:
        raise Forbidden(_("You cannot grant or take away a role with rights you do not hold "
                          "yourself: %(roles)s", roles=", ".join(too_wide)))


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        require("core.user.read")
        stmt = select(User).order_by(User.login)
        if args["q"]:
            like = f"%{args['q']}%"
            stmt = stmt.where(or_(User.login.ilike(like), User.name.ilike(like)))
        if args["active"] is not None:
            stmt = stmt.where(User.active.is_(args["active"]))
        return [present(u) for u in page_of(stmt, pagination_parameters)]

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        who = require("core.user.create")
        check_grantable(who, data["roles"])
        session = db()
        user = create_user(session, data["login"], data["name"], data["password"], email=data["email"],
                           is_portal=data["is_portal"], role_names=data["roles"], locale=data["locale"])
        session.commit()
        return present(user)


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        require("core.user.read")
        return present(db().get(User, user_id) or abort_not_found())

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        who = require("core.user.update")
        session = db()
        user = session.get(User, user_id) or abort_not_found()
        check_version(user, data.pop("version"))
        if user.is_superuser and not who.is_superuser:
            raise Forbidden(_("Only a superuser may change a superuser."))
        if "roles" in data:
            wanted = set(data.pop("roles"))
            have = {r.name for r in user.roles}
            check_grantable(who, wanted ^ have)
            roles = list(session.execute(select(Role).where(Role.name.in_(list(wanted)))).scalars())
            unknown = wanted - {r.name for r in roles}
            if unknown:
                raise ValidationFailed(_("Unknown role: %(names)s", names=", ".join(sorted(unknown))),
                                       field="roles")
            user.roles = roles
        for key, value in data.items():
            setattr(user, key, value)
        session.commit()
        return present(user)
