"""Admin base views that deny unless permitted.

Flask-Admin allows everyone by default and filters rows only where told;
here every view names its permission prefix, and row visibility is not the
view's business at all: the session's record rules (``core.security.
record_rules``) limit every query the view runs, including get-by-id,
counts, exports and relation drop-downs.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField

from core.errors import Conflict, DomainError
from core.web.auth import log_refusal
from core.web.errors import log_forbidden, stale_message

STAMP_COLUMNS = ("created_at", "updated_at", "created_by", "updated_by",
                 "created_by_id", "updated_by_id", "version")


class AdminForm(FlaskForm):
    """Flask-WTF's CSRF for every admin form (SecureForm would be refused by CSRFProtect)."""

    def __init__(self, *args, **kwargs):
        # Flask-Admin's Unique validator tells "this record" from "another one" by ``_obj``,
        # which only its own BaseForm sets: without it, saving an edit says "Already exists."
        self._obj = kwargs.get("obj", args[1] if len(args) > 1 else None)
        super().__init__(*args, **kwargs)


def _kernel():
    return current_app.extensions["huiwu"]


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
        log_refusal(self.required_permission)
        log_forbidden(_kernel(), f"admin view {self.endpoint}")
        abort(403)


class SecureView(GateMixin, BaseView):
    """A custom admin page; set ``required_permission``."""


class SecureModelView(GateMixin, ModelView):
    """A model list/create/edit/delete/export page gated by ``<permission_prefix>.<action>``."""

    #: e.g. ``"crm.customer"``: read, create, update, delete, export are checked under it.
    permission_prefix: str = ""
    form_base_class = AdminForm
    form_excluded_columns = STAMP_COLUMNS
    column_exclude_list = ("created_by", "updated_by", "version", "password_hash")
    simple_list_pager = True
    page_size = 25
    can_set_page_size = True
    page_size_options = (25, 50, 100)
    MAX_PAGE_SIZE = 100
    can_view_details = True
    details_template = "huiwu/admin/details.html"

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

    def get_list(self, page, sort_field, sort_desc, search, filters, execute=True, page_size=None):
        page_size = min(page_size or self.page_size, self.MAX_PAGE_SIZE)
        return super().get_list(page, sort_field, sort_desc, search, filters, execute, page_size)

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

    def update_model(self, form, model):
        seen = getattr(form, "version_seen", None)
        if seen is not None and seen.data and str(model.version) != str(seen.data):
            flash(stale_message(), "error")
            return False
        return super().update_model(form, model)

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            self.session.rollback()
            flash(str(exc.message), "error")
            return True
        from sqlalchemy.orm.exc import StaleDataError

        if isinstance(exc, StaleDataError):
            self.session.rollback()
            flash(str(Conflict(stale_message()).message), "error")
            return True
        return super().handle_view_exception(exc)

    def on_model_delete(self, model):
        if not self._may("delete"):
            abort(403)

    def on_model_change(self, form, model, is_created):
        if not self._may("create" if is_created else "update"):
            abort(403)
