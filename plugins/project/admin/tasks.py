"""Tasks in the admin: a list, a board by status, reassignment and progress updates."""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.errors import DomainError
from core.security.models import User
from plugins.project.admin.base import (
    ProjectModelView,
    instant_formatter,
    vocabulary_formatter,
)
from plugins.project.models import Task, TaskTemplate, TaskUpdate
from plugins.project.models.choices import (
    REQUIREMENT_CATEGORIES,
    TASK_STATUSES,
    choices,
)
from plugins.project.operations import tasks as ops

LABELS = {"project": _l("Project"), "title": _l("Task"), "category": _l("Category"),
          "department": _l("Department"), "assignee": _l("Assignee"), "status": _l("Status"),
          "progress": _l("Progress %"), "planned_hours": _l("Planned hours"), "start_at": _l("Start"),
          "due_at": _l("Due"), "notes": _l("Notes"), "depends_on": _l("Depends on"),
          "department_code": _l("Department code"), "days_before": _l("Days before the start"),
          "active": _l("Active")}


class TaskView(ProjectModelView):
    permission_prefix = "project.task"
    details_template = "project/task_details.html"
    column_list = ("project", "title", "department", "assignee", "status", "progress", "due_at")
    column_sortable_list = ("title", "status", "progress", "due_at")
    column_default_sort = ("due_at", False)
    column_labels = LABELS
    column_filters = (IntEqualFilter(Task.project_id, _l("Project id")),
                      FilterEqual(Task.status, _l("Status"), options=choices(TASK_STATUSES)))
    column_formatters = {"status": vocabulary_formatter(TASK_STATUSES), "due_at": instant_formatter,
                         "start_at": instant_formatter}
    column_details_list = ("project", "title", "category", "department", "assignee", "status", "progress",
                           "planned_hours", "start_at", "due_at", "depends_on", "notes")
    form_columns = ("assignee", "planned_hours", "notes")

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.assignee.query = self.session().scalars(
            select(User).where(User.is_portal.is_(False), User.active.is_(True)).order_by(User.name)).all()
        return form

    def update_model(self, form, model):
        old = model.assignee_id
        saved = super().update_model(form, model)
        if saved and model.assignee_id != old:
            new = model.assignee_id
            model.assignee_id = old
            try:
                ops.reassign(self.session(), model, new)
                self.session.commit()
            except DomainError as exc:
                self.session.rollback()
                flash(str(exc.message), "error")
                return False
        return saved

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs["updates"] = list(self.session.scalars(
                select(TaskUpdate).where(TaskUpdate.task_id == kwargs["model"].id).order_by(TaskUpdate.id)))
        return super().render(template, **kwargs)

    @expose("/board/")
    def board_view(self):
        project_id = request.args.get("project_id", type=int)
        return self.render("project/task_board.html", columns=ops.board(self.session(), project_id),
                           project_id=project_id)

    @expose("/progress/", methods=("POST",))
    def progress_view(self):
        task = self.get_one(request.args.get("id", ""))
        if task is None:
            return redirect(url_for(".index_view"))
        try:
            ops.report_progress(self.session(), task, request.form.get("progress"),
                                request.form.get("status") or None, request.form.get("note"),
                                request.form.get("hours_spent") or None)
            self.session.commit()
            flash(_("Progress saved."), "success")
        except DomainError as exc:
            self.session.rollback()
            flash(str(exc.message), "error")
        return redirect(url_for(".details_view", id=task.id))


class TaskTemplateView(ProjectModelView):
    permission_prefix = "project.template"
    column_list = ("category", "title", "department_code", "days_before", "planned_hours", "active")
    column_default_sort = ("category", False)
    column_labels = LABELS
    column_formatters = {"category": vocabulary_formatter(REQUIREMENT_CATEGORIES)}
    form_columns = ("category", "title", "department_code", "days_before", "planned_hours", "active")
    form_choices = {"category": choices(REQUIREMENT_CATEGORIES)}
    column_filters = (FilterEqual(TaskTemplate.category, _l("Category"), options=choices(REQUIREMENT_CATEGORIES)),)
