"""The people pages under System: users, departments, roles and API tokens.

The views are thin: what a user may do is the permission prefix
(``core.user``, ``core.department``, ``core.role``, ``core.token``), which
rows they see is the record rules', and the few rules of the organisation
itself (a password's strength, no department inside itself, nobody locks
themselves out) are checked before anything is saved.
"""
from __future__ import annotations

import re
from typing import ClassVar

from flask import flash, g
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import selectinload
from wtforms import PasswordField, SelectField
from wtforms.validators import ValidationError

from core.admin.base import SecureModelView
from core.admin.permission_picker import PermissionsField, catalogue_labels
from core.admin.views_tokens import TokenView
from core.errors import DomainError, Forbidden, ValidationFailed
from core.security.models import ApiToken, Department, Role, User
from core.security.passwords import hash_password
from core.security.users import check_password_strength
from core.web.i18n import LOCALES

SYSTEM = _l("System")
ROLE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


def taken_by_another(session, query, model_class, model) -> bool:
    """Whether ``query`` (ids of rows holding a unique value) finds a row other than ``model``.

    Read past the record rules (a hidden row still holds the value) and without flushing
    ``model`` itself, which the form has just added to the session.
    """
    if model.id is not None:
        query = query.where(model_class.id != model.id)
    with session.no_autoflush:
        return session.scalar(query.limit(1).execution_options(huiwu_system=True)) is not None


# -- users ----------------------------------------------------------------------

class NewPasswordField(PasswordField):
    """Empty keeps the current password; anything else is checked and stored hashed only."""

    def pre_validate(self, form):
        if self.data:
            try:
                check_password_strength(self.data)
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from None

    def populate_obj(self, obj, name):
        if self.data:
            obj.password_hash = hash_password(self.data)


def _yes_no(_view, _context, model, name):
    return _("Yes") if getattr(model, name) else _("No")


def _names(_view, _context, model, name):
    return "、".join(str(item) for item in getattr(model, name))


def _language(_view, _context, model, _name):
    return LOCALES.get(model.locale) or _("Company default")


class UserView(SecureModelView):
    permission_prefix = "core.user"
    column_list = ("login", "name", "email", "departments", "roles", "active", "is_portal",
                   "is_superuser", "last_login_at")
    column_details_list = ("login", "name", "email", "departments", "roles", "locale", "active",
                           "is_portal", "is_superuser", "last_login_at", "created_at", "updated_at")
    column_export_list = column_details_list
    column_searchable_list = ("login", "name", "email")
    column_filters = ("active", "is_portal", "is_superuser")
    column_default_sort = "login"
    column_auto_select_related = False  # selectinload below, not a join per row
    column_formatters: ClassVar[dict] = {"departments": _names, "roles": _names}
    column_formatters_detail: ClassVar[dict] = {"departments": _names, "roles": _names, "locale": _language}
    column_labels: ClassVar[dict] = {
        "login": _l("Login"), "name": _l("Full name"), "email": _l("E-mail"), "departments": _l("Departments"),
        "roles": _l("Roles"), "active": _l("Active"), "is_portal": _l("Portal user"),
        "is_superuser": _l("Superuser"), "last_login_at": _l("Last login"), "locale": _l("Language"),
        "password": _l("Password"), "password_hash": _l("Password"), "created_at": _l("Created at"), "updated_at": _l("Updated at"),
    }
    column_descriptions: ClassVar[dict] = {
        "is_portal": _l("A client outside the firm: logs into the portal only."),
        "is_superuser": _l("May do everything and sees every record, whatever the roles say."),
        "active": _l("An inactive user cannot log in and their API tokens stop working."),
    }
    form_columns = ("login", "name", "email", "password", "departments", "roles", "locale",
                    "active", "is_portal", "is_superuser")
    form_extra_fields: ClassVar[dict] = {"password": NewPasswordField(
        _l("Password"), description=_l("At least 8 characters. Leave empty to keep the current password."))}
    form_overrides: ClassVar[dict] = {"locale": SelectField}
    form_args: ClassVar[dict] = {"locale": {
        "choices": [("", _l("Company default"))] + list(LOCALES.items()),
        "filters": [lambda value: value or None],
    }}

    def get_query(self):
        return super().get_query().options(selectinload(User.departments), selectinload(User.roles))

    def create_form(self, obj=None):
        return self._limit_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_form(super().edit_form(obj))

    def _limit_form(self, form):
        if not g.principal.is_superuser:
            del form.is_superuser  # only a superuser makes another
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.login = (model.login or "").strip()
        if taken_by_another(self.session, select(User.id).where(func.lower(User.login) == model.login.lower()),
                            User, model):
            raise ValidationFailed(_("The login %(login)s is taken.", login=model.login), field="login")
        if is_created and not model.password_hash:
            raise ValidationFailed(_("A new user needs a password."), field="password")
        self._guard(model, was_superuser=_before(model, "is_superuser"))
        if model.id == g.principal.user_id and not model.active:
            raise ValidationFailed(_("You cannot deactivate yourself."), field="active")
        if model.id == g.principal.user_id and _before(model, "is_superuser") and not model.is_superuser:
            raise ValidationFailed(_("You cannot take your own superuser flag away."), field="is_superuser")

    def on_model_delete(self, model):
        super().on_model_delete(model)
        self._guard(model, was_superuser=model.is_superuser)
        if model.id == g.principal.user_id:
            raise DomainError(_("You cannot delete yourself."))

    def _guard(self, model, was_superuser: bool) -> None:
        if was_superuser and not g.principal.is_superuser:
            raise Forbidden(_("Only a superuser may change a superuser."))

    @action("deactivate", _l("Deactivate"), _l("Deactivate the selected users? They can no longer log in."))
    def action_deactivate(self, ids):
        self._set_active(ids, False)

    @action("activate", _l("Activate"))
    def action_activate(self, ids):
        self._set_active(ids, True)

    def is_action_allowed(self, name):
        if name in ("deactivate", "activate"):
            return self.can_edit
        return super().is_action_allowed(name)

    def _set_active(self, ids, active: bool) -> None:
        users = self.session.execute(select(User).where(User.id.in_([int(i) for i in ids]))).scalars().all()
        changed = 0
        for user in users:
            if user.id == g.principal.user_id or (user.is_superuser and not g.principal.is_superuser):
                continue
            if user.active != active:
                user.active = active
                changed += 1
        self.session.commit()
        flash(_("%(count)d users changed.", count=changed), "success")


def _before(model, attr: str):
    """The value ``attr`` had when loaded (the current value for a new row)."""
    history = inspect(model).attrs[attr].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return getattr(model, attr)


# -- departments ---------------------------------------------------------------

def tree_order(departments: list[Department]) -> list[tuple[Department, int]]:
    """Departments with their depth, each parent followed by its children, siblings by name."""
    ids: ClassVar[dict] = {d.id for d in departments}
    children: dict[int | None, list[Department]] = {}
    for dept in departments:
        parent = dept.parent_id if dept.parent_id in ids else None
        children.setdefault(parent, []).append(dept)
    out: list[tuple[Department, int]] = []
    stack: ClassVar[list] = [(d, 0) for d in sorted(children.get(None, []), key=lambda d: d.name, reverse=True)]
    seen: set[int] = set()
    while stack:
        dept, depth = stack.pop()
        if dept.id in seen:
            continue
        seen.add(dept.id)
        out.append((dept, depth))
        stack += [(c, depth + 1) for c in sorted(children.get(dept.id, []), key=lambda d: d.name, reverse=True)]
    return out


def _tree_name(view, _context, model, _name):
    depth = getattr(model, "_tree_depth", 0)
    if not depth:
        return model.name
    return Markup(f'<span class="huiwu-tree" style="padding-left: {depth * 1.5}rem">└ {escape(model.name)}</span>')


class DepartmentView(SecureModelView):
    permission_prefix = "core.department"
    column_list = ("name", "code", "parent")
    column_details_list = ("name", "code", "parent", "members", "created_at", "updated_at")
    column_searchable_list = ("name", "code")
    column_formatters: ClassVar[dict] = {"name": _tree_name}
    column_formatters_detail: ClassVar[dict] = {"members": _names}
    column_labels: ClassVar[dict] = {"name": _l("Name"), "code": _l("Code"), "parent": _l("Parent department"),
                     "parent_id": _l("Parent department"), "members": _l("Members"),
                     "created_at": _l("Created at"), "updated_at": _l("Updated at")}
    form_columns = ("name", "code", "parent")

    def get_list(self, page, sort_field, sort_desc, search, filters, execute=True, page_size=None):
        """Unsorted and unsearched, the list is the tree; departments are few enough to order here."""
        if sort_field or search or filters or not execute:
            return super().get_list(page, sort_field, sort_desc, search, filters, execute, page_size)
        rows = tree_order(list(self.session.execute(select(Department)).scalars()))
        for dept, depth in rows:
            dept._tree_depth = depth
        size = min(page_size or self.page_size, self.export_max_rows)
        start = (page or 0) * size
        return None, [dept for dept, _depth in rows[start:start + size]]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        ancestor, hops = model.parent, 0
        while ancestor is not None and hops < 1000:
            if ancestor is model:
                raise ValidationFailed(_("A department cannot be placed inside itself."), field="parent")
            ancestor, hops = ancestor.parent, hops + 1

    def on_model_delete(self, model):
        super().on_model_delete(model)
        inside = self.session.scalar(select(func.count()).select_from(Department)
                                     .where(Department.parent_id == model.id)
                                     .execution_options(huiwu_system=True))
        if inside:
            raise DomainError(_("%(name)s still has sub-departments; move or delete them first.",
                                name=model.name))


# -- roles ------------------------------------------------------------------------

def _permission_count(_view, _context, model, _name):
    return len(model.permissions)


def _permission_titles(_view, _context, model, _name):
    labels = catalogue_labels()
    items = "".join(f"<li>{escape(labels.get(p, p))} <code class=\"text-muted small\">{escape(p)}</code></li>"
                    for p in sorted(model.permission_ids))
    return Markup(f'<ul class="list-unstyled mb-0">{items}</ul>')


class RoleView(SecureModelView):
    permission_prefix = "core.role"
    column_list = ("title", "name", "description", "permissions")
    column_details_list = ("title", "name", "description", "permissions", "created_at", "updated_at")
    column_export_list = ("name", "title", "description")
    column_searchable_list = ("name", "title")
    column_default_sort = "name"
    column_formatters: ClassVar[dict] = {"permissions": _permission_count}
    column_formatters_detail: ClassVar[dict] = {"permissions": _permission_titles}
    column_labels: ClassVar[dict] = {"name": _l("Technical name"), "title": _l("Display name"), "description": _l("Description"),
                     "permissions": _l("Permissions"), "permission_ids": _l("Permissions"),
                     "created_at": _l("Created at"), "updated_at": _l("Updated at")}
    column_descriptions: ClassVar[dict] = {"name": _l("Lower-case letters, digits and _; cannot be changed once created.")}
    form_columns = ("name", "title", "description", "permission_ids")
    form_extra_fields: ClassVar[dict] = {"permission_ids": PermissionsField(_l("Permissions"))}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.name.render_kw = {"readonly": True}
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not is_created and inspect(model).attrs.name.history.has_changes():
            raise ValidationFailed(_("The technical name of a role cannot be changed."), field="name")
        model.name = (model.name or "").strip()
        if is_created and not ROLE_NAME_RE.match(model.name):
            raise ValidationFailed(_("Use lower-case letters, digits and _ (starting with a letter)."),
                                   field="name")
        if taken_by_another(self.session, select(Role.id).where(Role.name == model.name), Role, model):
            raise ValidationFailed(_("There is already a role %(name)s.", name=model.name), field="name")

    def on_model_delete(self, model):
        super().on_model_delete(model)
        if model.name == "administrator":
            raise DomainError(_("The administrator role cannot be deleted."))


def views(session) -> list:
    return [
        UserView(User, session, name=_l("Users"), category=SYSTEM, endpoint="core_users"),
        DepartmentView(Department, session, name=_l("Departments"), category=SYSTEM,
                       endpoint="core_departments"),
        RoleView(Role, session, name=_l("Roles"), category=SYSTEM, endpoint="core_roles"),
        TokenView(ApiToken, session, name=_l("API tokens"), category=SYSTEM, endpoint="core_tokens"),
    ]
