"""Projects' resource needs in the admin: every create, edit and delete goes through ``operations.needs``.

The list filters by project (the project page has no room for another
plugin's rows, so a project's needs are ``?flt0_0=<project id>`` here), and
each row links to allocating its project. Times are typed in company time.
"""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from flask import g, request, url_for
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import DateTimeField, SelectField
from wtforms.validators import InputRequired, Optional

from plugins.project.models import Project
from plugins.resources.admin.base import OperationsModelView, choices, to_instant, to_local, vocabulary_formatter
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


class NeedView(OperationsModelView):
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

    form_fields = {"project_id": "project"}

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

    def create_row(self, session, form):
        project = form.project.data
        return ops.create_need(session, {"project_id": project.id if project else None, **self._data(form)})

    def update_row(self, session, model, form) -> None:
        ops.update_need(session, model, self._data(form))

    def delete_row(self, session, model) -> None:
        ops.delete_need(session, model)
