"""Tasks from templates on confirmation, each given to the least busy member of its department.

For every requirement category on the project's checklist, each active
template of that category becomes a task due ``days_before`` days before the
start. Within the template's department (``core_department.code``) the task
goes to the active member with the fewest open planned hours (tasks not done
or cancelled, over all projects); ties go to the first by name, then id. The
workload is counted once per department and kept up to date while assigning,
so ten tasks spread over a department instead of piling on one person.
Tasks of one category depend on the one due before them. Creating them again
adds nothing: a template already used on the project is skipped.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.notify import notify
from core.security.models import Department, User, user_department
from plugins.project.models import Milestone, Project, Task, TaskTemplate
from plugins.project.models.choices import CLOSED_TASK_STATUSES
from plugins.project.operations.common import at_local, local_day

HOURS_PER_DAY = Decimal(8)


def open_hours(session, user_ids) -> dict[int, Decimal]:
    """Open planned hours per user (0 for users with none), in one grouped query."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Task.assignee_id, func.coalesce(func.sum(Task.planned_hours), 0))
        .where(Task.assignee_id.in_(ids), Task.status.not_in(CLOSED_TASK_STATUSES))
        .group_by(Task.assignee_id).execution_options(huiwu_system=True))
    hours = {uid: Decimal(0) for uid in ids}
    hours.update({uid: Decimal(str(total)) for uid, total in rows})
    return hours


def department_members(session, department_id: int) -> list[tuple[int, str]]:
    """(id, name) of the department's active staff, sorted by name then id."""
    return list(session.execute(
        select(User.id, User.name).join(user_department, user_department.c.user_id == User.id)
        .where(user_department.c.department_id == department_id, User.active.is_(True),
               User.is_portal.is_(False))
        .order_by(User.name, User.id).execution_options(huiwu_system=True)).all())


class Pool:
    """The members of one department with their open hours, handing out tasks one by one."""

    def __init__(self, session, department_id: int):
        self.members = department_members(session, department_id)
        self.hours = open_hours(session, [m[0] for m in self.members])

    def take(self, planned: Decimal) -> int | None:
        if not self.members:
            return None
        user_id = min(self.members, key=lambda m: (self.hours[m[0]], m[1], m[0]))[0]
        self.hours[user_id] += planned
        return user_id


def create_tasks(session, project: Project) -> list[Task]:
    """Create and assign the tasks the project's checklist needs; returns the new ones."""
    categories = sorted({r.category for r in project.requirements})
    if not categories:
        return []
    templates = session.execute(
        select(TaskTemplate).where(TaskTemplate.category.in_(categories), TaskTemplate.active.is_(True))
        .order_by(TaskTemplate.category, TaskTemplate.days_before.desc(), TaskTemplate.id)).scalars().all()
    used = set(session.scalars(select(Task.template_id).where(
        Task.project_id == project.id, Task.template_id.is_not(None)).execution_options(huiwu_system=True)))
    codes = {t.department_code for t in templates}
    departments = {d.code: d for d in session.execute(
        select(Department).where(Department.code.in_(codes)).execution_options(huiwu_system=True)).scalars()}
    pools: dict[int, Pool] = {}
    start_day = local_day(session, project.start_at)
    created, previous = [], {}
    for template in templates:
        if template.id in used:
            continue
        department = departments.get(template.department_code)
        pool = None
        if department is not None:
            pool = pools.get(department.id) or pools.setdefault(department.id, Pool(session, department.id))
        hours = Decimal(template.planned_hours or 0)
        due = at_local(session, start_day - timedelta(days=template.days_before), 18)
        days = max(1, int((hours / HOURS_PER_DAY).to_integral_value(rounding="ROUND_CEILING")))
        task = Task(project=project, title=template.title, category=template.category,
                    department_id=department.id if department else None,
                    assignee_id=pool.take(hours) if pool else None, status="todo", progress=0,
                    planned_hours=hours, due_at=due, start_at=due - timedelta(days=days) + timedelta(hours=9),
                    template_id=template.id)
        if template.category in previous:
            task.depends_on.append(previous[template.category])
        previous[template.category] = task
        session.add(task)
        created.append(task)
    session.flush()
    _tell_assignees(session, project, created)
    return created


def _tell_assignees(session, project: Project, tasks: list[Task]) -> None:
    by_user: dict[int, list[Task]] = {}
    for task in tasks:
        if task.assignee_id:
            by_user.setdefault(task.assignee_id, []).append(task)
    for user_id, mine in sorted(by_user.items()):
        notify(session, [user_id], _("New tasks for %(project)s", project=str(project)),
               "\n".join(f"- {t.title}" for t in mine), link=f"/admin/project_tasks/?flt0_0={project.id}")  # the "Project id" filter


def create_milestones(session, project: Project) -> list[Milestone]:
    """The milestones a client follows, unless the project already has some."""
    if project.milestones:
        return []
    start, end = local_day(session, project.start_at), local_day(session, project.end_at)
    plan = [
        (_("Contract confirmed"), project.confirmed_at, project.confirmed_at),
        (_("Preparations complete"), at_local(session, start - timedelta(days=3), 18), None),
        (_("Rehearsal on site"), at_local(session, start - timedelta(days=1), 14), None),
        (_("Meeting opens"), project.start_at, None),
        (_("Closing report delivered"), at_local(session, end + timedelta(days=7), 18), None),
    ]
    milestones = [Milestone(title=title, due_at=due, done_at=done) for title, due, done in plan]
    project.milestones.extend(milestones)
    session.flush()
    return milestones

