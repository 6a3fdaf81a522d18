"""Projects in the admin: list sorted by start, form with checklist and order lines inline,
details with the workflow buttons, progress, tasks, change history and files."""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import DateTimeField
from wtforms.validators import InputRequired

from core.errors import DomainError
from core.security.models import User
from core.services.attachments_admin import AttachmentsMixin
from core.services.models import Attachment
from plugins.project.admin.base import (
    ProjectModelView,
    instant_formatter,
    to_instant,
    to_local,
    vocabulary_formatter,
)
from plugins.project.models import OrderLine, Project, Requirement
from plugins.project.models.choices import (
    PROJECT_TYPES,
    REQUIREMENT_CATEGORIES,
    STATUSES,
    choices,
)
from plugins.project.operations import changes, projects, workflow
from plugins.project.operations.tasks import progress_of, tasks_of

LABELS = {
    "code": _l("Code"), "name": _l("Name"), "type": _l("Type"), "status": _l("Status"), "customer": _l("Customer"),
    "contact": _l("Contact"), "manager": _l("Project manager"), "start_at": _l("Start"), "end_at": _l("End"),
    "city": _l("City"), "venue": _l("Venue"), "attendance": _l("Expected attendance"),
    "description": _l("Requirements in the client's words"), "internal_notes": _l("Internal notes"),
    "requirements": _l("Requirements checklist"), "order_lines": _l("Order lines"),
    "category": _l("Category"), "details": _l("Details"), "service": _l("Service"), "quantity": _l("Quantity"),
    "unit": _l("Unit"), "unit_price": _l("Unit price"), "confirmed_at": _l("Confirmed at"),
}


class ProjectView(AttachmentsMixin, ProjectModelView):
    permission_prefix = "project.project"
    details_template = "project/project_details.html"
    column_list = ("code", "name", "customer", "manager", "start_at", "city", "status")
    column_details_list = ("code", "name", "type", "status", "customer", "contact", "manager", "start_at",
                           "end_at", "city", "venue", "attendance", "description", "internal_notes")
    column_sortable_list = ("code", "start_at", "city", "status")
    column_default_sort = ("start_at", False)
    column_searchable_list = ("name",)
    column_labels = LABELS
    column_filters = (
        FilterEqual(Project.status, _l("Status"), options=choices(STATUSES)),
        FilterEqual(Project.type, _l("Type"), options=choices(PROJECT_TYPES)),
        FilterEqual(Project.city, _l("City")),
    )
    column_formatters = {"status": vocabulary_formatter(STATUSES), "type": vocabulary_formatter(PROJECT_TYPES),
                         "start_at": instant_formatter, "end_at": instant_formatter}
    form_columns = ("name", "type", "customer", "contact", "manager", "start_at", "end_at", "city", "venue",
                    "attendance", "description", "internal_notes", "requirements", "order_lines")
    form_choices = {"type": choices(PROJECT_TYPES)}
    form_overrides = {"start_at": DateTimeField, "end_at": DateTimeField}
    form_args = {"start_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]},
                 "end_at": {"format": "%Y-%m-%d %H:%M", "validators": [InputRequired()]}}
    form_ajax_refs = {"customer": {"fields": ("name",), "page_size": 20}}
    inline_models = (
        (Requirement, {"form_columns": ("id", "category", "details"), "column_labels": LABELS,
                       "form_choices": {"category": choices(REQUIREMENT_CATEGORIES)}}),
        (OrderLine, {"form_columns": ("id", "service", "quantity", "unit", "unit_price"), "column_labels": LABELS}),
    )

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """A code prefix (``HW-2026-``) or a name prefix, both index-backed."""
        term = search.strip()
        if term.upper().startswith("HW-"):
            criterion = Project.code.startswith(term.upper(), autoescape=True)
        else:
            criterion = func.lower(Project.name).startswith(term.lower(), autoescape=True)
        query = query.filter(criterion)
        count_query = count_query.filter(criterion) if count_query is not None else None
        return query, count_query, joins, count_joins

    def _staff_only(self, form):
        form.manager.query = self.session().scalars(
            select(User).where(User.is_portal.is_(False), User.active.is_(True)).order_by(User.name)).all()
        return form

    def create_form(self, obj=None):
        return self._staff_only(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._staff_only(super().edit_form(obj))
        if request.method == "GET" and obj is not None:
            form.start_at.data, form.end_at.data = to_local(obj.start_at), to_local(obj.end_at)
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.start_at, model.end_at = to_instant(model.start_at), to_instant(model.end_at)
        data = {"name": model.name, "type": model.type, "customer_id": model.customer.id if model.customer else None,
                "contact_id": model.contact.id if model.contact else None, "start_at": model.start_at,
                "end_at": model.end_at, "attendance": model.attendance}
        session = self.session()
        # The form added the new project (and its inline rows) to the session already: number it
        # without letting a query flush it half-made.
        with session.no_autoflush:
            if is_created:
                model.status = "enquiry"
                model.code = projects.new_code(session)
            projects.check(session, model, data)

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            session, model = self.session(), kwargs["model"]
            kwargs.update(progress=progress_of(session, model.id), tasks=tasks_of(session, model.id),
                          changes=changes.history(session, model.id), targets=workflow.allowed_targets(model))
        return super().render(template, **kwargs)

    @expose("/transition/", methods=("POST",))
    def transition_view(self):
        model = self._visible_record()
        try:
            workflow.move(self.session(), model, request.form.get("to", ""))
            self.session.commit()
            flash(_("The project is now %(status)s.", status=STATUSES.get(model.status, model.status)), "success")
        except DomainError as exc:
            self.session.rollback()
            flash(str(exc.message), "error")
        return redirect(url_for(".details_view", id=model.id))

    @expose("/share/", methods=("POST",))
    def share_view(self):
        """Share a file with the client (shown in the portal) or take it back."""
        model = self._visible_record()
        if not self.can_edit:
            return redirect(url_for(".details_view", id=model.id))
        table, ident = "project_project", str(model.id)
        att = self.session.execute(select(Attachment).where(
            Attachment.id == request.args.get("attachment", type=int), Attachment.owner_table == table,
            Attachment.owner_id == ident)).scalar_one_or_none()
        if att is not None:
            att.read_permission = None if att.read_permission else "project.project.read"
            self.session.commit()
        return redirect(url_for(".details_view", id=model.id))
