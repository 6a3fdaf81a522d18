"""API tokens: issued in the admin, shown once, limited by scopes and expiry, revocable.

Everyone on the staff with ``core.token.create`` issues tokens for
themselves; the kernel's record rule shows a user only their own tokens
unless they hold ``core.token.read``. A token is never deleted, only
revoked, so the security log can still name it.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from flask import current_app, flash, g, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from core.admin.base import AdminForm, SecureModelView, refuse
from core.db.types import utcnow
from core.errors import DomainError, ValidationFailed
from core.security import log as security_log
from core.security import tokens
from core.security.models import ApiToken, User


def check_scopes(scopes: str) -> str:
    """Normalised scopes; each must be a declared permission id or a prefix such as ``crm.``."""
    declared = current_app.extensions["huiwu"].permissions
    items = scopes.split()
    bad: ClassVar[list] = [s for s in items if not (s in declared or (s.endswith(".") and any(p.startswith(s) for p in declared)))]
    if bad:
        raise ValidationFailed(_("Unknown scope: %(scopes)s", scopes=" ".join(bad)), field="scopes")
    return " ".join(items)


def end_of_day_utc(day) -> datetime:
    """The end of ``day`` in the company's time zone, as a UTC time."""
    zone = ZoneInfo(current_app.extensions["huiwu"].settings.timezone)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def token_status(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return _("Revoked")
    if token.expires_at is not None and token.expires_at <= utcnow():
        return _("Expired")
    return _("Valid")


def _status(_view, _context, model, _name):
    return token_status(model)


def _revoke_button(view, _context, model, _name):
    if model.revoked_at is not None or not view.may_revoke(model):
        return ""
    question, label = _("Revoke this token? Programs using it stop working."), _("Revoke")
    return Markup(
        f'<form method="post" action="{escape(view.get_url(".revoke_view"))}" class="d-inline">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<input type="hidden" name="id" value="{model.id}">'
        f'<button type="submit" class="btn btn-outline-danger btn-sm" '
        f'onclick="return confirm({escape(json.dumps(question))})">'
        f'{escape(label)}</button></form>'
    )


class TokenForm(AdminForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. the program that uses it."))
    scopes = StringField(_l("Scopes"), validators=[Optional(), Length(max=2000)],
                         description=_l("Space-separated permissions or module prefixes, e.g. "
                                        "“crm.” or “crm.customer.read”. Empty: everything you may do."))
    expires_on = DateField(_l("Expires on"), validators=[Optional()],
                           description=_l("Last day the token works. Empty: until revoked."))


class IssueForAnyoneForm(TokenForm):
    user_id = SelectField(_l("For user"), coerce=int,
                          description=_l("The token acts with this user's permissions."))


class TokenView(SecureModelView):
    permission_prefix = "core.token"
    column_list = ("name", "user", "prefix", "scopes", "expires_at", "status", "last_used_at",
                   "created_at", "revoke")
    column_details_list = ("name", "user", "prefix", "scopes", "expires_at", "status", "revoked_at",
                           "last_used_at", "created_at")
    column_searchable_list = ("name", "prefix")
    column_default_sort = ("created_at", True)
    column_formatters: ClassVar[dict] = {"status": _status, "revoke": _revoke_button}
    column_formatters_detail: ClassVar[dict] = {"status": _status}
    column_labels: ClassVar[dict] = {"name": _l("Name"), "user": _l("User"), "prefix": _l("Begins with"),
                     "scopes": _l("Scopes"), "expires_at": _l("Expires at"), "status": _l("Status"),
                     "revoked_at": _l("Revoked at"), "last_used_at": _l("Last used"),
                     "created_at": _l("Issued at"), "revoke": " "}
    column_sortable_list = ("name", "expires_at", "last_used_at", "created_at")
    form = TokenForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_permission = None  # one's own tokens need no reading right: see is_accessible

    def is_accessible(self):
        return super().is_accessible() and (self._may("read") or self._may("create"))

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

    @property
    def can_export(self):
        return False

    def may_revoke(self, token: ApiToken) -> bool:
        return token.user_id == g.principal.user_id or self._may("delete")

    def create_form(self, obj=None):
        if not g.principal.is_superuser:
            return TokenForm()
        form = IssueForAnyoneForm()
        users = self.session.execute(select(User).where(User.active.is_(True), User.is_portal.is_(False))
                                     .order_by(User.login)).scalars()
        form.user_id.choices = [(u.id, str(u)) for u in users]
        if not form.is_submitted():
            form.user_id.data = g.principal.user_id
        return form

    def create_model(self, form):
        g.huiwu_admin_form = form
        user_id = getattr(form, "user_id", None) and form.user_id.data or g.principal.user_id
        try:
            scopes = check_scopes(form.scopes.data or "")
            expires_at = end_of_day_utc(form.expires_on.data) if form.expires_on.data else None
            if expires_at is not None and expires_at <= utcnow():
                raise ValidationFailed(_("The expiry day has passed."), field="expires_on")
            token, raw = tokens.issue(self.session, user_id, form.name.data.strip(), scopes, expires_at)
            security_log.record(self.session, "token_issued", g.principal,
                                f"{token.name} ({token.prefix}…) for user {user_id}", ip=request.remote_addr)
            self.session.commit()
        except DomainError as exc:
            self.handle_view_exception(exc)
            return False
        g.huiwu_issued_token = raw
        return token

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        response = super().create_view()
        raw = g.pop("huiwu_issued_token", None)
        if raw is None:
            return response
        return self.render("huiwu/admin/token_issued.html", raw=raw,
                           return_url=self.get_url(".index_view"))

    @expose("/revoke/", methods=("POST",))
    def revoke_view(self):
        token = self.get_one(request.form.get("id", ""))
        if token is None:
            flash(_("Record does not exist."), "error")
        elif not self.may_revoke(token):
            refuse("core.token.delete", f"revoke token {token.id}")
        elif token.revoked_at is None:
            tokens.revoke(self.session, token)
            security_log.record(self.session, "token_revoked", g.principal,
                                f"{token.name} ({token.prefix}…) of user {token.user_id}", ip=request.remote_addr)
            self.session.commit()
            flash(_("The token %(name)s was revoked.", name=token.name), "success")
        return redirect(self.get_url(".index_view"))

