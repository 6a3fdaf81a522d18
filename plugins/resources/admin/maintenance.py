"""Maintenance windows in the admin: every create, edit and delete goes through ``operations.maintenance``.

So a window over an active booking is refused naming the booking, a bad
value is named next to its field, and what the window occupies always
follows it. Times are typed in company time.
"""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from flask import request
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeField
from wtforms.validators import InputRequired, Optional

from plugins.resources.admin.base import OperationsModelView, to_instant, to_local
from plugins.resources.models import Maintenance, Resource
from plugins.resources.operations import maintenance as ops

LABELS = {"resource": _l("Resource"), "starts_at": _l("Starts at"), "ends_at": _l("Ends at"),
          "quantity": _l("Units out of service"), "reason": _l("Reason")}


class MaintenanceView(OperationsModelView):
    permission_prefix = "resources.maintenance"
    column_list = ("resource", "starts_at", "ends_at", "quantity", "reason")
    column_default_sort = ("starts_at", True)
    column_labels = LABELS
    column_filters = (IntEqualFilter(Maintenance.resource_id, _l("Resource id")),)
    form_columns = ("resource", "starts_at", "ends_at", "quantity", "reason")
    form_overrides = {"starts_at": DateTimeField, "ends_at": DateTimeField}
    form_args = {
        "starts_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]},
        "ends_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]},
        "quantity": {"validators": [Optional()],
                     "description": _l("Stocked resources only; empty takes the whole stock out.")},
    }
    form_ajax_refs = {"resource": {"fields": ("code", "name"), "page_size": 20}}

    form_fields = {"resource_id": "resource"}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None:
            form.starts_at.data, form.ends_at.data = to_local(obj.starts_at), to_local(obj.ends_at)
        return form

    def create_form(self, obj=None):
        form = super().create_form(obj)
        resource_id = request.args.get("resource_id", type=int)
        if request.method == "GET" and resource_id:
            form.resource.data = self.session().get(Resource, resource_id)
        return form

    @staticmethod
    def _data(form) -> dict:
        resource = form.resource.data
        return {"resource_id": resource.id if resource is not None else None,
                "starts_at": to_instant(form.starts_at.data), "ends_at": to_instant(form.ends_at.data),
                "quantity": form.quantity.data, "reason": form.reason.data}

    def create_row(self, session, form):
        return ops.create_window(session, self._data(form))

    def update_row(self, session, model, form) -> None:
        ops.update_window(session, model, self._data(form))

    def delete_row(self, session, model) -> None:
        ops.delete_window(session, model)
