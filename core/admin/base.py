"""Admin base views that deny unless permitted.

Flask-Admin allows everyone by default and filters rows only where told;
here every view names its permission prefix, and row visibility is not the
view's business at all: the session's record rules (``core.security.
record_rules``) limit every query the view runs, including get-by-id,
counts, exports and relation drop-downs. What this module adds on top:

- a view answers 404 while its plugin is disabled, 403 (logged in the
  security log) to a user without its permission, and 403 as well to an
  action (create, edit, delete, export) typed by hand without the action's
  permission, where Flask-Admin would quietly redirect;
- a record is fetched by id with a fresh SELECT, never from the session's
  identity map, so the rules always apply;
- page sizes are capped on the server and lists never count the table;
- an edit carries the version it was opened at: a stale save is refused
  with a message and overwrites nothing;
- every record has a History page read from the audit log.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as fa_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DecimalField, HiddenField

from core.admin.history import record_history
from core.errors import Conflict, DomainError, Forbidden
from core.web.auth import log_refusal
from core.web.errors import stale_message

STAMP_COLUMNS = ("created_at", "updated_at", "created_by", "updated_by",
                 "created_by_id", "updated_by_id", "version")
#: Never shown, exported or put in a form by any view.
SECRET_COLUMNS = ("password_hash", "token_hash")

#: Flask-Admin view functions and the action permission each needs.
ACTION_OF_VIEW = {
    "create_view": "create",
    "edit_view": "update",
    "ajax_update": "update",
    "delete_view": "delete",
    "export": "export",
}


class AdminForm(FlaskForm):
    """Flask-WTF's CSRF for every admin form (SecureForm would be refused by CSRFProtect)."""

    def __init__(self, *args, obj=None, **kwargs):
        #: Flask-Admin's ``Unique`` validator recognises the record being edited by this.
        self._obj = obj
        super().__init__(*args, obj=obj, **kwargs)


def _kernel():
    return current_app.extensions["huiwu"]


def show_datetime(value: datetime | None) -> str:
    """A stored UTC time in the company's time zone, to the second."""
    return format_datetime(value, "yyyy-MM-dd HH:mm:ss") if value else ""


def _datetime_cell(_view, value, *_args):
    return show_datetime(value)


DATETIME_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: _datetime_cell}
DATETIME_EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, datetime: _datetime_cell}


def refuse(permission: str | None, detail: str):
    """A 403 for a logged-in user; the error handler writes it to the security log."""
    log_refusal(permission)
    abort(403, description=detail)


class GateMixin:
    #: Plugin owning the view; set by the kernel when the view is registered.
    plugin: str | None = None
    #: The permission needed to see the view at all.
    required_permission: str | None = None

    def plugin_enabled(self) -> bool:
        kernel = _kernel()
        return kernel.registry.is_enabled(kernel.session(), self.plugin)

    def is_accessible(self) -> bool:
        principal = g.principal
        if not principal.user_id or principal.is_portal:
            return False
        if not self.plugin_enabled():
            return False
        return self.required_permission is None or principal.can(self.required_permission)

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not self.plugin_enabled():
            abort(404)
        if not g.principal.user_id:
            return redirect(url_for("web.login", next=request.full_path))
        refuse(self.required_permission, f"admin view {self.endpoint}")


class ModelConverter(AdminModelConverter):
    """Flask-Admin's converter, taught the kernel's column types it would silently leave out of forms."""

    @converts("core.db.types.Money")
    def conv_money(self, column, field_args, **_extra):
        self._nullable_common(column, field_args)
        field_args.setdefault("places", 2)
        return DecimalField(**field_args)


class SecureView(GateMixin, BaseView):
    """A custom admin page; set ``required_permission``."""

    def may(self, permission: str) -> bool:
        return g.principal.can(permission)

    def require(self, permission: str) -> None:
        """Refuse (403, logged) unless the user holds ``permission``."""
        if not self.may(permission):
            refuse(permission, f"admin view {self.endpoint}: {permission}")


class SecureModelView(GateMixin, ModelView):
    """A model list/create/edit/delete/export page gated by ``<permission_prefix>.<action>``."""

    #: e.g. ``"crm.customer"``: read, create, update, delete, export are checked under it.
    permission_prefix: str = ""
    form_base_class = AdminForm
    model_form_converter = ModelConverter
    form_excluded_columns = STAMP_COLUMNS + SECRET_COLUMNS
    column_exclude_list = ("created_by", "updated_by", "version") + SECRET_COLUMNS
    column_details_exclude_list = SECRET_COLUMNS
    column_export_exclude_list = SECRET_COLUMNS
    column_type_formatters = DATETIME_FORMATTERS
    column_type_formatters_detail = DATETIME_FORMATTERS
    column_type_formatters_export = DATETIME_EXPORT_FORMATTERS
    simple_list_pager = True
    page_size = 25
    can_set_page_size = True
    page_size_options = (25, 50, 100)
    #: No list page shows more rows than this, whatever the URL asks.
    MAX_PAGE_SIZE = 100
    #: An export stops after this many rows.
    export_max_rows = 10000
    can_view_details = True
    details_template = "huiwu/admin/details.html"
    history_template = "huiwu/admin/history.html"

    def __init__(self, model, session, **kwargs):
        if self.permission_prefix and not self.required_permission:
            self.required_permission = f"{self.permission_prefix}.read"
        super().__init__(model, session, **kwargs)

    def _may(self, action: str) -> bool:
        return bool(self.permission_prefix) and g.principal.can(f"{self.permission_prefix}.{action}")

    # Flask-Admin reads these per request; a class attribute would be shared by everyone.
    @property
    def can_create(self):
        return self._may("create")

    @property
    def can_edit(self):
        return self._may("update")

    @property
    def can_delete(self):
        return self._may("delete")

    @property
    def can_export(self):
        return self._may("export")

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        action = ACTION_OF_VIEW.get(name)
        allowed = {"create": self.can_create, "update": self.can_edit,
                   "delete": self.can_delete, "export": self.can_export}
        if action and not allowed[action]:
            refuse(f"{self.permission_prefix}.{action}", f"admin view {self.endpoint}: {action}")
        return None

    # -- reading: always through the rules ----------------------------------

    def pk_value(self, id):
        """An id from a URL or form as the primary key's own type (None if it cannot be one).

        PostgreSQL refuses to compare an integer column with a text parameter.
        """
        pk = sa_inspect(self.model).primary_key
        try:
            return pk[0].type.python_type(id)
        except (TypeError, ValueError, NotImplementedError):
            return None

    def get_one(self, id):
        """A fresh SELECT by primary key: the identity map would bypass the record rules."""
        pk = sa_inspect(self.model).primary_key
        if len(pk) != 1:
            return super().get_one(id)
        value = self.pk_value(id)
        if value is None:
            return None
        return self.session.execute(
            select(self.model).where(pk[0] == value).execution_options(populate_existing=True)
        ).scalar_one_or_none()

    @action("delete", fa_lazy_gettext("Delete"),
            fa_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        """Flask-Admin's bulk delete, with the ids typed (it passes them as text)."""
        typed = [v for v in (self.pk_value(i) for i in ids) if v is not None]
        return super().action_delete(typed)

    def get_list(self, page, sort_field, sort_desc, search, filters, execute=True, page_size=None):
        cap = self.export_max_rows if request.endpoint == f"{self.endpoint}.export" else self.MAX_PAGE_SIZE
        page_size = min(page_size or self.page_size, cap)
        return super().get_list(page, sort_field, sort_desc, search, filters, execute, page_size)

    # -- history ------------------------------------------------------------

    def history_url(self, model) -> str | None:
        """Where the record's audit trail is shown; None for tables the audit does not keep."""
        if getattr(model, "__audited__", False) is not True or not hasattr(model, "version"):
            return None
        return self.get_url(".history_view", id=self.get_pk_value(model))

    @expose("/history/")
    def history_view(self):
        model = self.get_one(request.args.get("id", ""))
        if model is None:
            abort(404)
        entries, more = record_history(self.session, model)
        return self.render(self.history_template, model=model, entries=entries, more=more,
                           label=self.field_label, return_url=self.get_url(".index_view"))

    def field_label(self, field: str) -> str:
        """The label a column has in this view, for the history page."""
        return str(self.get_column_name(field))

    # -- optimistic locking in forms ------------------------------------------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        if hasattr(self.model, "version"):
            form_class.version_seen = HiddenField()
        return form_class

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and hasattr(form, "version_seen") and not form.version_seen.data:
            form.version_seen.data = str(obj.version)
        return form

    def refuse_stale(self, form, model) -> bool:
        """True, with the conflict message flashed, when ``model`` changed since ``form`` was shown."""
        seen = getattr(form, "version_seen", None)
        if seen is not None and seen.data and str(model.version) != str(seen.data):
            flash(stale_message(), "error")
            return True
        return False

    def update_model(self, form, model):
        if self.refuse_stale(form, model):
            return False
        return super().update_model(form, model)

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            self.session.rollback()
            self._show_on_form(exc)
            flash(str(exc.message), "error")
            return True
        if isinstance(exc, StaleDataError):
            self.session.rollback()
            flash(str(Conflict(stale_message()).message), "error")
            return True
        return super().handle_view_exception(exc)

    def _show_on_form(self, exc: DomainError) -> None:
        """Put a field's error next to the field, when the form being saved has it."""
        form = g.get("huiwu_admin_form")
        field = form._fields.get(exc.field) if form is not None and exc.field else None
        if field is not None:
            field.errors = list(field.errors) + [str(exc.message)]

    def _on_model_change(self, form, model, is_created):
        g.huiwu_admin_form = form
        return super()._on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        if not self.can_delete:
            raise Forbidden(_("You do not have permission to do this."))

    def on_model_change(self, form, model, is_created):
        if not (self.can_create if is_created else self.can_edit):
            raise Forbidden(_("You do not have permission to do this."))
