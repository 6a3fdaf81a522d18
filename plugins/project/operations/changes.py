"""Change requests: draft → submitted → approved or rejected.

The proposed values by kind::

    time      {"start_at": ISO, "end_at": ISO}         open tasks move with the start
    venue     {"city": str, "venue": str}
    scale     {"attendance": int}
    services  {"add": [{"service", "quantity", "unit_price", "unit"?}], "remove": [order line id, ...]}
    other     {"name": str, "description": str}

Approval needs ``project.change.approve`` and someone other than the
requester. It applies the values, re-dates open tasks, records before/after,
emits ``project.change_approved`` and notifies the PM and the members of the
departments whose tasks are touched, all in the caller's transaction: if any
step (or an in-transaction listener) refuses, nothing of it is saved.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import DomainError, Forbidden, ValidationFailed
from core.events import emit
from core.notify import notify
from core.security.models import user_department
from core.security.principal import current
from plugins.project.models import ChangeRequest, OrderLine, Project, Task
from plugins.project.models.choices import (
    CHANGE_KINDS,
    CHANGE_STATUSES,
    CLOSED_TASK_STATUSES,
    label,
)
from plugins.project.operations import projects
from plugins.project.operations.common import decimal, instant, require

#: The project fields each kind may change.
FIELDS_OF_KIND = {"time": ("start_at", "end_at"), "venue": ("city", "venue"), "scale": ("attendance",),
                  "other": ("name", "description"), "services": ()}
#: Requirement categories whose tasks a kind of change touches (None: every open task).
CATEGORIES_OF_KIND = {"time": None, "venue": ("venue", "transport", "accommodation", "av"),
                      "scale": ("venue", "catering", "accommodation", "printing", "transport"),
                      "services": None, "other": ()}


def _check_proposed(session, project: Project, kind: str, proposed) -> dict:
    """The proposal checked and normalised to JSON-able values; errors name ``proposed.<field>``."""
    if kind not in CHANGE_KINDS:
        raise ValidationFailed(_("Unknown value %(value)s.", value=kind), field="kind")
    if not isinstance(proposed, dict) or not proposed:
        raise ValidationFailed(_("Say what should change."), field="proposed")
    if kind == "services":
        unknown = set(proposed) - {"add", "remove"}
        if unknown:
            raise ValidationFailed(_("Unknown field %(name)s.", name=min(unknown)), field="proposed")
        added = []
        for i, line in enumerate(proposed.get("add") or []):
            field = f"proposed.add.{i}"
            if not isinstance(line, dict) or not str(line.get("service") or "").strip():
                raise ValidationFailed(_("An order line needs a service."), field=field)
            added.append({"service": str(line["service"]).strip(), "unit": line.get("unit"),
                          "quantity": str(decimal(line.get("quantity", 1), field)),
                          "unit_price": str(decimal(line.get("unit_price", 0), field))})
        line_ids = {line.id for line in project.order_lines}
        removed = []
        for value in proposed.get("remove") or []:
            if not isinstance(value, int) or value not in line_ids:
                raise ValidationFailed(_("No such order line on this project."), field="proposed.remove")
            removed.append(value)
        if not added and not removed:
            raise ValidationFailed(_("Say what should change."), field="proposed")
        return {"add": added, "remove": removed}
    allowed = FIELDS_OF_KIND[kind]
    unknown = set(proposed) - set(allowed)
    if unknown:
        raise ValidationFailed(_("Unknown field %(name)s.", name=min(unknown)), field=f"proposed.{min(unknown)}")
    values = {}
    for key, value in proposed.items():
        if key in ("start_at", "end_at"):
            values[key] = instant(session, value, f"proposed.{key}").isoformat()
        elif key == "attendance":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1_000_000:
                raise ValidationFailed(_("Expected attendance must be between 1 and 1,000,000."),
                                       field="proposed.attendance")
            values[key] = value
        else:
            if not isinstance(value, str) or (key == "name" and not value.strip()):
                raise ValidationFailed(_("This field is required."), field=f"proposed.{key}")
            values[key] = value.strip()
    start = datetime.fromisoformat(values.get("start_at", project.start_at.isoformat()))
    end = datetime.fromisoformat(values.get("end_at", project.end_at.isoformat()))
    if end < start:
        raise ValidationFailed(_("The end must not be before the start."), field="proposed.end_at")
    return values


def create_change(session, project: Project, kind: str, proposed: dict, reason: str,
                  submit: bool = False, from_portal: bool = False) -> ChangeRequest:
    """A draft change request by the acting user (submitted at once when ``submit``)."""
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the change."), field="reason")
    if project.status in ("closed", "cancelled"):
        raise DomainError(_("A closed or cancelled project cannot be changed."), field="project_id")
    change = ChangeRequest(project=project, kind=kind, proposed=_check_proposed(session, project, kind, proposed),
                           reason=reason.strip(), status="draft", requester_id=current(session).user_id,
                           from_portal=from_portal)
    session.add(change)
    session.flush()
    if submit:
        submit_change(session, change)
    return change


def affected_tasks(session, change: ChangeRequest) -> list[Task]:
    categories = CATEGORIES_OF_KIND[change.kind]
    if categories == ():
        return []
    stmt = (select(Task).where(Task.project_id == change.project_id,
                               Task.status.not_in(CLOSED_TASK_STATUSES))
            .order_by(Task.due_at, Task.id).execution_options(huiwu_system=True))
    if categories is not None:
        stmt = stmt.where(Task.category.in_(categories))
    return list(session.execute(stmt).scalars())


def preview(session, change: ChangeRequest) -> dict:
    """What approving would touch: tasks, the order total, and what other plugins report."""
    project = change.project
    tasks = affected_tasks(session, change)
    impact = {"tasks": [{"id": t.id, "title": t.title} for t in tasks], "budget_delta": "0.00", "other": {}}
    if change.kind == "services":
        added = sum((Decimal(a["quantity"]) * Decimal(a["unit_price"]) for a in change.proposed["add"]),
                    Decimal(0))
        removed = sum((line.amount for line in project.order_lines if line.id in change.proposed["remove"]),
                      Decimal(0))
        impact["budget_delta"] = str((added - removed).quantize(Decimal("0.01")))
    if change.kind == "time" and "start_at" in change.proposed:
        shift = datetime.fromisoformat(change.proposed["start_at"]) - project.start_at
        impact["shift_days"] = shift.days
    answers = session.info["kernel"].registry.ask(session, "huiwu_project_change_impact", db_session=session,
                                                  project_id=project.id, kind=change.kind,
                                                  proposed=change.proposed)
    impact["other"] = {name: [str(line) for line in lines] for name, lines in answers.items() if lines}
    return impact


def submit_change(session, change: ChangeRequest) -> ChangeRequest:
    if change.status != "draft":
        raise DomainError(_("Only a draft can be submitted (this one is %(status)s).",
                            status=label(CHANGE_STATUSES, change.status)), field="status")
    change.impact = preview(session, change)
    change.status, change.submitted_at = "submitted", utcnow()
    session.flush()
    project = change.project
    emit(session, "project.change_submitted", project_id=project.id, change_id=change.id, kind=change.kind,
         from_portal=change.from_portal)
    if project.manager_id and project.manager_id != change.requester_id:
        notify(session, [project.manager_id],
               _("Change request for %(project)s: %(kind)s", project=str(project),
                 kind=label(CHANGE_KINDS, change.kind)),
               change.reason, link=f"/admin/project_changes/details/?id={change.id}")
    return change


def _may_decide(session, change: ChangeRequest) -> None:
    require(session, "project.change.approve")
    if change.status != "submitted":
        raise DomainError(_("Only a submitted change request can be decided (this one is %(status)s).",
                            status=label(CHANGE_STATUSES, change.status)), field="status")
    if change.requester_id is not None and change.requester_id == current(session).user_id:
        raise Forbidden(_("You cannot approve or reject your own change request."))


def _json(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _apply(session, project: Project, change: ChangeRequest, tasks: list[Task]) -> tuple[dict, dict]:
    """Write the proposal onto the project; returns (before, after)."""
    if change.kind == "services":
        lines = {line.id: line for line in project.order_lines}
        before = {"order_lines": [{"id": i, "service": l.service, "amount": str(l.amount)}
                                  for i, l in sorted(lines.items())]}
        for line_id in change.proposed["remove"]:
            if line_id not in lines:
                raise DomainError(_("No such order line on this project."), field="proposed.remove")
            project.order_lines.remove(lines[line_id])
        for line in change.proposed["add"]:
            projects.add_order_line(session, project, line["service"], line["quantity"], line["unit_price"],
                                    line.get("unit"))
        session.flush()
        after = {"order_lines": [{"id": l.id, "service": l.service, "amount": str(l.amount)}
                                 for l in sorted(project.order_lines, key=lambda x: x.id)]}
        return before, after
    before = {key: _json(getattr(project, key)) for key in change.proposed}
    values = dict(change.proposed)
    for key in ("start_at", "end_at"):
        if key in values:
            values[key] = datetime.fromisoformat(values[key])
    if "start_at" in values:
        shift = values["start_at"] - project.start_at
        for task in tasks:
            task.due_at = task.due_at + shift if task.due_at else None
            task.start_at = task.start_at + shift if task.start_at else None
        for milestone in project.milestones:
            if milestone.done_at is None:
                milestone.due_at = milestone.due_at + shift
    projects.update_project(session, project, values)
    after = {key: _json(getattr(project, key)) for key in change.proposed}
    return before, after


def approve(session, change: ChangeRequest, note: str | None = None) -> ChangeRequest:
    _may_decide(session, change)
    project = change.project
    tasks = affected_tasks(session, change)
    before, after = _apply(session, project, change, tasks)
    change.before, change.after = before, after
    change.status, change.approver_id, change.decided_at = "approved", current(session).user_id, utcnow()
    change.decision_note = (note or "").strip() or None
    session.flush()
    department_ids = sorted({t.department_id for t in tasks if t.department_id})
    emit(session, "project.change_approved", project_id=project.id, customer_id=project.customer_id,
         code=project.code, title=project.name, change_id=change.id, kind=change.kind, before=before,
         after=after, task_ids=[t.id for t in tasks], department_ids=department_ids)
    people = {project.manager_id, change.requester_id} | {t.assignee_id for t in tasks}
    if department_ids:
        people |= set(session.scalars(select(user_department.c.user_id)
                                      .where(user_department.c.department_id.in_(department_ids))))
    people.discard(current(session).user_id)
    notify(session, people, _("Change approved for %(project)s: %(kind)s", project=str(project),
                              kind=label(CHANGE_KINDS, change.kind)),
           change.reason, link=f"/admin/project_changes/details/?id={change.id}")
    return change


def reject(session, change: ChangeRequest, note: str | None = None) -> ChangeRequest:
    _may_decide(session, change)
    if not (note or "").strip():
        raise ValidationFailed(_("Say why the change is rejected."), field="note")
    change.status, change.approver_id, change.decided_at = "rejected", current(session).user_id, utcnow()
    change.decision_note = note.strip()
    session.flush()
    notify(session, [change.requester_id],
           _("Change rejected for %(project)s: %(kind)s", project=str(change.project),
             kind=label(CHANGE_KINDS, change.kind)), change.decision_note,
           link=f"/admin/project_changes/details/?id={change.id}")
    return change


def history(session, project_id: int) -> list[ChangeRequest]:
    return list(session.execute(select(ChangeRequest).where(ChangeRequest.project_id == project_id)
                                .order_by(ChangeRequest.id.desc())).scalars())


def get_order_line(session, line_id: int) -> OrderLine | None:
    return session.get(OrderLine, line_id)
