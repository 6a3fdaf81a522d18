"""The "Allocate" page: propose who gets which resource, review the proposal with its reasons, apply it in one step.

``/``             the form (a project, or a period and kinds) and the latest proposals
``/run/``         POST: propose, then show it
``/<id>/``        one proposal: each assignment and refusal with its reasons, the figures, Apply
``/<id>/apply/``  POST: book it all, or nothing with the reason (the proposal is then stale)
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.errors import Conflict, DomainError, NotFound
from plugins.project.models import Project
from plugins.resources.admin.base import ResourcesPage, choices, zone
from plugins.resources.models.choices import ALLOCATION_MODES, ALLOCATION_STATUSES, KINDS
from plugins.resources.operations import allocation_apply, allocation_runs
from plugins.resources.operations.allocation_scope import DEFAULT_SECONDS, MAX_SECONDS, MIN_SECONDS
from plugins.resources.operations.booking_input import FINISHED_PROJECT_STATUSES

#: Where an error of the operations shows on the form.
FIELD_OF = {"starts_at": "starts_on", "ends_at": "ends_on"}
DEFAULT_DAYS = 7


class AllocationForm(FlaskForm):
    mode = RadioField(_l("Allocate"), choices=choices(ALLOCATION_MODES), default="project")
    project_id = SelectField(_l("Project"), coerce=lambda v: int(v) if v not in (None, "") else None,
                             validators=[Optional()])
    starts_on = DateField(_l("From (day)"), validators=[Optional()])
    ends_on = DateField(_l("Until (day, included)"), validators=[Optional()])
    kinds = SelectMultipleField(_l("Kinds"), choices=choices(KINDS), default=["venue"],
                                option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    time_limit = IntegerField(_l("Seconds the solver may take"), default=DEFAULT_SECONDS,
                              validators=[Optional(), NumberRange(min=MIN_SECONDS, max=MAX_SECONDS)])

    def scope(self) -> dict:
        """What ``allocation_runs.propose`` is given: a project's needs of every kind, or a period's of some."""
        if self.mode.data == "project":
            return {"project_id": self.project_id.data, "time_limit": self.time_limit.data}
        return {"starts_at": _day_start(self.starts_on.data),
                "ends_at": _day_start(self.ends_on.data + timedelta(days=1)) if self.ends_on.data else None,
                "kinds": list(self.kinds.data or ()), "time_limit": self.time_limit.data}


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=zone()) if day else None


class AllocationView(ResourcesPage):
    required_permission = "resources.allocation.run"

    def _session(self):
        return current_app.extensions["huiwu"].session()

    def _form(self, formdata=None) -> AllocationForm:
        form = AllocationForm(formdata=formdata)
        projects = self._session().execute(
            select(Project.id, Project.code, Project.name).where(Project.status.not_in(FINISHED_PROJECT_STATUSES))
            .order_by(Project.start_at, Project.id)).all()
        form.project_id.choices = [("", "—"), *((p.id, f"{p.code} {p.name}") for p in projects)]
        return form

    @expose("/")
    def index(self):
        form = self._form()
        project_id = request.args.get("project_id", type=int)
        if project_id:
            form.mode.data, form.project_id.data = "project", project_id
        today = datetime.now(zone()).date()
        form.starts_on.data, form.ends_on.data = today, today + timedelta(days=DEFAULT_DAYS - 1)
        return self._page(form)

    def _page(self, form):
        return self.render("resources/allocation.html", form=form, runs=allocation_runs.recent_runs(self._session()),
                           modes=ALLOCATION_MODES, statuses=ALLOCATION_STATUSES)

    @expose("/run/", methods=("POST",))
    def run_view(self):
        form = self._form(request.form)
        if not form.validate():
            return self._page(form)
        session = self._session()
        try:
            run = allocation_runs.propose(session, form.scope())
            session.commit()
        except DomainError as exc:
            session.rollback()
            field = form._fields.get(FIELD_OF.get(exc.field, exc.field or ""))
            if field is not None:
                field.errors = [*field.errors, str(exc.message)]
            flash(str(exc.message), "error")
            return self._page(form)
        return redirect(url_for(".run_details", run_id=run.id))

    def _run(self, run_id):
        try:
            return allocation_runs.get_run(self._session(), run_id)
        except NotFound:
            abort(404)

    @expose("/<int:run_id>/")
    def run_details(self, run_id):
        run = self._run(run_id)
        given, refused = allocation_runs.lines(run)
        again = self._form()
        again.mode.data = run.mode
        again.project_id.data = run.project_id
        if run.starts_at:
            again.starts_on.data = run.starts_at.astimezone(zone()).date()
            again.ends_on.data = (run.ends_at.astimezone(zone()) - timedelta(days=1)).date()
        again.kinds.data = run.kinds.split(",") if run.kinds else []
        return self.render("resources/allocation_run.html", run=run, given=given, refused=refused,
                           figures=(run.result or {}).get("figures", {}), again=again,
                           may_apply=self.may("resources.allocation.apply") and run.status == "proposed",
                           modes=ALLOCATION_MODES, statuses=ALLOCATION_STATUSES, kinds=KINDS)

    @expose("/<int:run_id>/apply/", methods=("POST",))
    def apply_view(self, run_id):
        self.require("resources.allocation.apply")
        session = self._session()
        run = self._run(run_id)
        try:
            done = allocation_apply.apply_run(session, run)
            session.commit()
        except Conflict as exc:
            session.commit()  # the proposal is marked stale; nothing of it was written
            flash(str(exc.message), "error")
            return redirect(url_for(".run_details", run_id=run_id))
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
            return redirect(url_for(".run_details", run_id=run_id))
        made = sum(1 for d in done if d.action == "booked")
        moved = sum(1 for d in done if d.action in ("moved", "offered"))
        flash(_("Applied: %(made)d bookings made, %(moved)d moved.", made=made, moved=moved), "success")
        return redirect(url_for(".run_details", run_id=run_id))
