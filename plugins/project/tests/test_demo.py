"""The small demo: a year of an agency's projects, made through the real operations."""
from __future__ import annotations

from sqlalchemy import func, select

from core.bootstrap import load_demo
from core.security.models import User, user_department
from plugins.project.models import ChangeRequest, Project, Task, TaskUpdate


def test_the_small_demo_is_a_year_of_projects_with_assigned_tasks_and_decided_changes(kernel, plugin_enabled):
    plugin_enabled("project")
    seen = []
    load_demo(kernel, "small", progress=lambda done, total, label: seen.append((label, done, total)))

    with kernel.system_session() as s:
        statuses = dict(s.execute(select(Project.status, func.count()).group_by(Project.status)).all())
        assert sum(statuses.values()) == 40
        assert {"completed", "closed", "confirmed", "in_preparation", "proposal", "cancelled"} <= set(statuses)
        names = s.scalars(select(Project.name)).all()
        assert any("经销商大会" in n for n in names) and any("年会" in n for n in names)

        tasks = s.execute(select(Task.assignee_id, Task.department_id, Task.status)).all()
        assert len(tasks) > 200
        members = set(s.execute(select(user_department.c.user_id, user_department.c.department_id)).all())
        assert all((assignee, department) in members for assignee, department, _status in tasks)
        done_by = s.execute(select(TaskUpdate.user_id, Task.assignee_id).join(Task, Task.id == TaskUpdate.task_id)).all()
        assert done_by and all(reporter == assignee for reporter, assignee in done_by)

        decided = s.scalars(select(ChangeRequest).where(ChangeRequest.status.in_(("approved", "rejected")))).all()
        assert decided and all(c.approver_id != c.requester_id for c in decided)
        assert s.scalar(select(func.count()).select_from(ChangeRequest).where(ChangeRequest.status == "submitted"))
        pm = s.scalar(select(User).where(User.login == "zhangwei"))
        assert "project_manager" in {r.name for r in pm.roles}
    assert ("project: projects", 40, 40) in seen

    load_demo(kernel, "small")
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 40
