"""Projects' resource needs in the admin: every create, edit and delete goes through ``operations.needs``.

The list filters by project (the project page has no room for another
plugin's rows, so a project's needs are ``?flt0_0=<project id>`` here), and
each row links to allocating its project. Times are typed in company time.
"""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from flask import flash, g, request, url_for
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateTimeField, SelectField
from wtforms.validators import InputRequired, Optional

from core.errors import DomainError
from core.web.errors import stale_message
from plugins.project.models import Project
from plugins.resources.admin.base import ResourcesModelView, choices, to_instant, to_local, vocabulary_formatter
from plugins.resources.models import ResourceNeed
from plugins.resources.models.choices import KINDS, LAYOUTS, NEED_STATUSES
from plugins.resources.operations import needs as ops

LABELS = {"project": _l("Project"), "name": _l("What for"), "kind": _l("Kind"), "starts_at": _l("Starts at"),
          "ends_at": _l("Ends at"), "layout": _l("Layout"), "guests": _l("Guests"), "quantity": _l("Quantity"),
          "match": _l("Item (a word of its name)"), "city": _l("City"), "weight": _l("Importance"), "notes": _l("Notes"), "status": _l("Status"),
          "booking": _l("Booking")}
FORM_FIELDS = ("name", "kind", "starts_at", "ends_at", "layout", "guests", "quantity", "match", "city", "weight",
               "notes")


def _project_cell(view, _context, model, _name):
    """The project's name, and a link to allocating its open needs."""
    if model.project is None:
        return ""
    if not view.may_allocate():
        return escape(model.project.name)
    link = url_for("resources_allocate.index", project_id=model.project_id)
    return Markup(f'{escape(model.project.name)} <a class="small allocate" href="{link}">{escape(_l("Allocate"))}</a>')


class NeedView(ResourcesModelView):
    permission_prefix = "resources.need"
    column_list = ("project", "name", "kind", "starts_at", "ends_at", "layout", "guests", "quantity", "city",
                   "weight", "status", "booking")
    column_details_list = ("project", "name", "kind", "starts_at", "ends_at", "layout", "guests", "quantity", "match",
                           "city", "weight", "notes", "status", "booking")
    column_default_sort = ("starts_at", False)
    column_sortable_list = ("name", "kind", "starts_at", "weight", "status")
    column_searchable_list = ("name",)
    column_labels = LABELS
    column_filters = (IntEqualFilter(ResourceNeed.project_id, _l("Project id")),
                      FilterEqual(ResourceNeed.status, _l("Status"), options=choices(NEED_STATUSES)),
                      FilterEqual(ResourceNeed.kind, _l("Kind"), options=choices(KINDS)))
    column_formatters = {"kind": vocabulary_formatter(KINDS), "layout": vocabulary_formatter(LAYOUTS),
                         "status": vocabulary_formatter(NEED_STATUSES), "project": _project_cell}
    form_columns = ("project", *FORM_FIELDS)
    form_overrides = {"kind": SelectField, "layout": SelectField, "starts_at": DateTimeField,
                      "ends_at": DateTimeField}
    form_args = {
        "kind": {"choices": choices(KINDS)},
        "layout": {"choices": [("", "—"), *choices(LAYOUTS)], "validators": [Optional()],
                   "description": _l("Halls only: the guests are counted in this layout.")},
        "starts_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]},
        "ends_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]},
        "weight": {"description": _l("1 to 100: when not everything can be served, the more important first.")},
        "city": {"description": _l("Only resources in this city; any city when empty.")},
        "quantity": {"description": _l("Items of equipment, rooms, vehicles; 1 for a hall.")},
        "match": {"description": _l("Equipment and other kinds: only resources whose name contains this, "
                                    "such as 投影机 or 大巴.")},
    }
    form_ajax_refs = {"project": {"fields": ("name", "code"), "page_size": 20}}

    def may_allocate(self) -> bool:
        return g.principal.can("resources.allocation.run")

    def create_form(self, obj=None):
        form = super().create_form(obj)
        project_id = request.args.get("project_id", type=int)
        if request.method == "GET" and project_id:
            form.project.data = self.session().get(Project, project_id)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.project  # a need stays with its project
        if request.method == "GET" and obj is not None:
            form.starts_at.data, form.ends_at.data = to_local(obj.starts_at), to_local(obj.ends_at)
        return form

    @staticmethod
    def _data(form) -> dict:
        data = {key: getattr(form, key).data for key in FORM_FIELDS}
        data["starts_at"], data["ends_at"] = to_instant(data["starts_at"]), to_instant(data["ends_at"])
        data["layout"] = data["layout"] or None
        return data

    def _refused(self, form, exc: DomainError) -> bool:
        self.session.rollback()
        field = form._fields.get("project" if exc.field == "project_id" else exc.field or "")
        if field is not None:
            field.errors = list(field.errors) + [str(exc.message)]
        flash(str(exc.message), "error")
        return False

    def create_model(self, form):
        g.huiwu_admin_form = form
        project = form.project.data
        try:
            need = ops.create_need(self.session(), {"project_id": project.id if project else None,
                                                    **self._data(form)})
            self.session.commit()
        except DomainError as exc:
            return self._refused(form, exc)
        self.after_model_change(form, need, True)
        return need

    def update_model(self, form, model):
        seen = getattr(form, "version_seen", None)
        if seen is not None and seen.data and str(model.version) != str(seen.data):
            flash(stale_message(), "error")
            return False
        try:
            ops.update_need(self.session(), model, self._data(form))
            self.session.commit()
        except DomainError as exc:
            return self._refused(form, exc)
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model):
        try:
            ops.delete_need(self.session(), model)
            self.session.commit()
        except DomainError as exc:
            self.session.rollback()
            flash(str(exc.message), "error")
            return False
        self.after_model_delete(model)
        return True
