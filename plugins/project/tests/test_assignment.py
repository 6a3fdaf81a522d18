"""Confirming a project creates its tasks from templates, given to the least busy member."""
from decimal import Decimal

from sqlalchemy import select

from core.notify.models import InboxMessage
from core.security.models import User
from plugins.project.models import Project, Task, TaskTemplate
from plugins.project.operations import assignment, workflow


def _confirm(db, project_id):
    project = db.get(Project, project_id)
    workflow.move(db, project, "proposal")
    workflow.move(db, project, "confirmed")
    db.commit()
    return project


def test_tasks_follow_the_templates_of_the_checklist(db, staff, new_project):
    staff("zhaolei", "CATER")
    project = _confirm(db, new_project())
    tasks = db.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.due_at)).all()
    assert [t.title for t in tasks] == ["确认菜单", "试菜", "现场餐饮服务"]
    assert [(project.start_at - t.due_at).days for t in tasks] == [13, 6, -1]  # due 18:00 local that day
    assert tasks[1].depends_on == [tasks[0]] and tasks[2].depends_on == [tasks[1]]
    assert {t.assignee.login for t in tasks} == {"zhaolei"}
    assert len(project.milestones) == 5


def test_each_task_goes_to_the_member_with_least_open_hours(db, staff, new_project):
    busy, free = staff("huangmin", "CATER"), staff("zhaolei", "CATER")
    earlier = db.get(Project, new_project())
    db.add(Task(project=earlier, title="旧任务", assignee_id=busy.id, planned_hours=Decimal(40), status="todo"))
    db.add(Task(project=earlier, title="已完成", assignee_id=free.id, planned_hours=Decimal(99), status="done"))
    db.commit()
    project = _confirm(db, new_project())
    hours = {t.title: t.assignee.login for t in db.scalars(select(Task).where(Task.project_id == project.id))}
    # zhaolei's done task does not count; 4 + 4 + 10 hours all fit before reaching huangmin's 40.
    assert hours == {"确认菜单": "zhaolei", "试菜": "zhaolei", "现场餐饮服务": "zhaolei"}


def test_work_spreads_and_ties_go_by_name(db, staff, new_project):
    staff("b_zhao", "CATER"), staff("a_huang", "CATER")
    db.execute(TaskTemplate.__table__.update().values(planned_hours=Decimal(5)))
    db.commit()
    project = _confirm(db, new_project())
    order = [t.assignee.login for t in db.scalars(
        select(Task).where(Task.project_id == project.id).order_by(Task.id))]
    assert order == ["a_huang", "b_zhao", "a_huang"]


def test_assignees_are_told_and_confirming_twice_adds_nothing(db, staff, new_project):
    cook = staff("zhaolei", "CATER")
    project = _confirm(db, new_project())
    inbox = db.scalars(select(InboxMessage).where(InboxMessage.user_id == cook.id)).all()
    assert len(inbox) == 1 and "确认菜单" in inbox[0].body
    assert assignment.create_tasks(db, project) == []


def test_department_without_members_leaves_tasks_unassigned(db, new_project):
    project = _confirm(db, new_project())
    tasks = db.scalars(select(Task).where(Task.project_id == project.id)).all()
    assert len(tasks) == 3 and all(t.assignee_id is None for t in tasks)
    assert db.scalar(select(User.id).where(User.login == "zhaolei")) is None
