"""Working on tasks: progress updates by the people responsible, reassignment by the PM,
and the project's progress (weighted by planned hours) and overdue tasks."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from core.db.types import utcnow
from core.errors import Forbidden, ValidationFailed
from core.notify import notify
from core.security.models import User
from core.security.principal import current
from plugins.project.models import Project, Task, TaskUpdate
from plugins.project.models.choices import CLOSED_TASK_STATUSES, TASK_STATUSES
from plugins.project.operations.common import decimal, require


def report_progress(session, task: Task, progress, status: str | None = None, note: str | None = None,
                    hours_spent=None) -> TaskUpdate:
    """Log a progress update on ``task`` and carry it onto the task.

    Allowed to the assignee and to holders of ``project.task.report`` who see
    the task (their department's); 100 % marks the task done.
    """
    principal = current(session)
    if task.assignee_id != principal.user_id:
        require(session, "project.task.report")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Not a valid number."), field="progress") from None
    if not 0 <= progress <= 100:
        raise ValidationFailed(_("Progress must be between 0 and 100."), field="progress")
    if status is not None and status not in TASK_STATUSES:
        raise ValidationFailed(_("Unknown value %(value)s.", value=status), field="status")
    hours = decimal(hours_spent, "hours_spent") if hours_spent not in (None, "") else None
    status = status or ("done" if progress == 100 else "in_progress" if progress > 0 else task.status)
    if status == "done":
        progress = 100
    task.progress, task.status = progress, status
    task.completed_at = utcnow() if status == "done" else None
    update = TaskUpdate(task=task, user_id=principal.user_id, progress=progress, status=status,
                        hours_spent=hours, note=(note or "").strip() or None)
    session.add(update)
    session.flush()
    return update


def reassign(session, task: Task, user_id: int | None) -> Task:
    """The PM (``project.task.assign``) gives a task to another member of staff; they are told."""
    require(session, "project.task.assign")
    if user_id is not None:
        user = session.execute(select(User).where(User.id == user_id, User.active.is_(True),
                                                   User.is_portal.is_(False))
                               .execution_options(huiwu_system=True)).scalar_one_or_none()
        if user is None:
            raise ValidationFailed(_("Choose a member of staff."), field="assignee_id")
    task.assignee_id = user_id
    session.flush()
    if user_id is not None and user_id != current(session).user_id:
        notify(session, [user_id], _("Task assigned to you: %(task)s", task=task.title),
               str(task.project), link=f"/admin/project_tasks/details/?id={task.id}")
    return task


def check_reporter(session, task: Task) -> None:
    principal = current(session)
    if task.assignee_id != principal.user_id and not principal.can("project.task.report"):
        raise Forbidden(_("You do not have permission to do this."))


@dataclass(frozen=True)
class Progress:
    #: 0–100, weighted by planned hours (tasks without hours count equally when none has any).
    percent: int
    tasks: int
    done: int
    overdue: int
    planned_hours: Decimal


def progress_of(session, project_id: int) -> Progress:
    """The project's progress in one aggregate query over its tasks (cancelled ones left out)."""
    now = utcnow()
    row = session.execute(
        select(func.count(Task.id),
               func.coalesce(func.sum(Task.planned_hours), 0),
               func.coalesce(func.sum(Task.planned_hours * Task.progress), 0),
               func.coalesce(func.sum(Task.progress), 0),
               func.coalesce(func.sum(case((Task.status == "done", 1), else_=0)), 0),
               func.coalesce(func.sum(case((Task.status.not_in(CLOSED_TASK_STATUSES) & (Task.due_at < now), 1),
                                           else_=0)), 0))
        .where(Task.project_id == project_id, Task.status != "cancelled")).one()
    count, hours, weighted, plain, done, overdue = row
    hours, weighted = Decimal(str(hours)), Decimal(str(weighted))
    if hours > 0:
        percent = int((weighted / hours).to_integral_value(rounding="ROUND_HALF_UP"))
    elif count:
        percent = round(int(plain) / count)
    else:
        percent = 0
    return Progress(percent=percent, tasks=int(count), done=int(done), overdue=int(overdue), planned_hours=hours)


def overdue_tasks(session, project_id: int) -> list[Task]:
    return list(session.execute(
        select(Task).where(Task.project_id == project_id, Task.status.not_in(CLOSED_TASK_STATUSES),
                           Task.due_at < utcnow()).order_by(Task.due_at, Task.id)).scalars())


def tasks_of(session, project_id: int) -> list[Task]:
    return list(session.execute(select(Task).where(Task.project_id == project_id)
                                .order_by(Task.due_at, Task.id)).scalars())


def board(session, project_id: int | None = None, limit: int = 200) -> dict[str, list[Task]]:
    """Tasks by status for the board (a column holds at most ``limit``, soonest due first)."""
    columns: dict[str, list[Task]] = {}
    for status in TASK_STATUSES:
        stmt = select(Task).where(Task.status == status)
        if project_id:
            stmt = stmt.where(Task.project_id == project_id)
        columns[status] = list(session.execute(stmt.order_by(Task.due_at, Task.id).limit(limit)).scalars())
    return columns


def project_ids_with_open_work(session) -> list[int]:
    return list(session.scalars(select(Project.id).where(Project.status.in_(
        ("confirmed", "in_preparation", "on_site"))).order_by(Project.id)))
