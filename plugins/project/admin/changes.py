"""Change requests in the admin: raise one (proposed values as JSON), submit, approve, reject."""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

import json

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField

from core.errors import DomainError, ValidationFailed
from plugins.project.admin.base import (
    ProjectModelView,
    instant_formatter,
    vocabulary_formatter,
)
from plugins.project.models import ChangeRequest
from plugins.project.models.choices import CHANGE_KINDS, CHANGE_STATUSES, choices
from plugins.project.operations import changes as ops


class ChangeRequestView(ProjectModelView):
    permission_prefix = "project.change"
    details_template = "project/change_details.html"
    column_list = ("id", "project", "kind", "status", "requester", "approver", "submitted_at", "decided_at")
    column_default_sort = ("id", True)
    column_labels = {"id": _l("No."), "project": _l("Project"), "kind": _l("Kind"), "status": _l("Status"),
                     "requester": _l("Requested by"), "approver": _l("Decided by"), "reason": _l("Reason"),
                     "proposed": _l("Proposed values (JSON)"), "submitted_at": _l("Submitted at"),
                     "decided_at": _l("Decided at")}
    column_formatters = {"kind": vocabulary_formatter(CHANGE_KINDS), "status": vocabulary_formatter(CHANGE_STATUSES),
                         "submitted_at": instant_formatter, "decided_at": instant_formatter}
    column_filters = (FilterEqual(ChangeRequest.status, _l("Status"), options=choices(CHANGE_STATUSES)),
                      IntEqualFilter(ChangeRequest.project_id, _l("Project id")))
    form_columns = ("project", "kind", "proposed", "reason")
    form_overrides = {"kind": SelectField, "proposed": TextAreaField, "reason": TextAreaField}
    form_args = {"kind": {"choices": choices(CHANGE_KINDS)}}
    form_ajax_refs = {"project": {"fields": ("code", "name"), "page_size": 20}}

    @property
    def can_edit(self):
        return False

    def create_model(self, form):
        try:
            proposed = json.loads(form.proposed.data or "{}")
        except ValueError:
            flash(_("The proposed values must be JSON, such as {\"attendance\": 500}."), "error")
            form.proposed.errors = [_("Not valid JSON.")]
            return False
        try:
            change = ops.create_change(self.session(), form.project.data, form.kind.data, proposed,
                                       form.reason.data, submit=True)
            self.session.commit()
        except DomainError as exc:
            self.session.rollback()
            field = form._fields.get((exc.field or "").split(".")[0])
            if field is not None:
                field.errors = list(field.errors) + [str(exc.message)]
            flash(str(exc.message), "error")
            return False
        return change

    @expose("/decide/", methods=("POST",))
    def decide_view(self):
        change = self.get_one(request.args.get("id", ""))
        if change is None:
            return redirect(url_for(".index_view"))
        action = {"approve": ops.approve, "reject": ops.reject, "submit": None}.get(request.form.get("action"))
        try:
            if request.form.get("action") == "submit":
                ops.submit_change(self.session(), change)
            elif action is None:
                raise ValidationFailed(_("Unknown action."), field="action")
            else:
                action(self.session(), change, request.form.get("note"))
            self.session.commit()
            flash(_("Change request %(status)s.", status=CHANGE_STATUSES[change.status]), "success")
        except DomainError as exc:
            self.session.rollback()
            flash(str(exc.message), "error")
        return redirect(url_for(".details_view", id=change.id))
