"""Change requests: no self-approval, atomic apply with its event, notifications, bad input."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.errors import DomainError, Forbidden, ValidationFailed
from core.events import Handler
from core.notify.models import InboxMessage
from plugins.project.models import ChangeRequest, Project, Task
from plugins.project.operations import changes, workflow


@pytest.fixture
def confirmed(db, staff, pm, new_project):
    """A confirmed project managed by ``pm`` with catering tasks for zhaolei."""
    staff("zhaolei", "CATER")
    project = db.get(Project, new_project(manager_id=pm.id))
    workflow.move(db, project, "proposal")
    workflow.move(db, project, "confirmed")
    db.commit()
    return project.id


def _raise_time_change(session, project_id, days=7):
    project = session.get(Project, project_id)
    return changes.create_change(session, project, "time",
                                 {"start_at": (project.start_at + timedelta(days=days)).isoformat(),
                                  "end_at": (project.end_at + timedelta(days=days)).isoformat()},
                                 "客户董事会改期", submit=True)


def test_requester_cannot_approve_own_change(session_as, pm, confirmed):
    s = session_as(pm)
    change = _raise_time_change(s, confirmed)
    with pytest.raises(Forbidden):
        changes.approve(s, change)


def test_approval_moves_project_and_tasks_and_tells_everyone(db, session_as, pm, make_user, confirmed, events):
    boss = make_user("boss", roles=["project_manager", "executive"])
    old_due = {t.id: t.due_at for t in db.scalars(select(Task).where(Task.project_id == confirmed))}
    cook = db.scalar(select(Task.assignee_id).where(Task.project_id == confirmed).limit(1))
    db.commit()
    s = session_as(pm)
    change = _raise_time_change(s, confirmed)
    s.commit()
    assert [t["title"] for t in change.impact["tasks"]] == ["确认菜单", "试菜", "现场餐饮服务"]
    b = session_as(boss)
    changes.approve(b, b.get(ChangeRequest, change.id))
    b.commit()
    db.expire_all()
    project = db.get(Project, confirmed)
    assert project.start_at.isoformat().startswith("2030-05-27")
    assert all(t.due_at - old_due[t.id] == timedelta(days=7)
               for t in db.scalars(select(Task).where(Task.project_id == confirmed)))
    payload = events["project.change_approved"][0]
    assert payload["before"]["start_at"].startswith("2030-05-20")
    assert payload["after"]["start_at"].startswith("2030-05-27")
    told = {m.user_id for m in db.scalars(select(InboxMessage).where(InboxMessage.title.like("Change approved%")))}
    assert told == {pm.id, cook}


def test_a_vetoing_listener_leaves_nothing_changed(db, kernel, session_as, pm, make_user, confirmed):
    boss = make_user("boss", roles=["project_manager", "executive"])
    s = session_as(pm)
    change_id = _raise_time_change(s, confirmed).id
    s.commit()
    b = session_as(boss)

    def veto(_session, _payload):
        raise DomainError("budget frozen")

    handler = Handler("project.change_approved", veto, name="test.veto")
    kernel.bus.connect(handler)
    try:
        with pytest.raises(DomainError):
            changes.approve(b, b.get(ChangeRequest, change_id))
        b.rollback()
    finally:
        kernel.bus.disconnect(handler)
    db.expire_all()
    assert db.get(Project, confirmed).start_at.isoformat().startswith("2030-05-20")
    assert db.get(ChangeRequest, change_id).status == "submitted"


def test_services_change_adds_and_removes_lines(db, session_as, pm, make_user, confirmed):
    s = session_as(pm)
    project = s.get(Project, confirmed)
    old_line = project.order_lines[0].id
    change = changes.create_change(s, project, "services",
                                   {"add": [{"service": "同声传译", "quantity": 2, "unit_price": "8000"}],
                                    "remove": [old_line]}, "改为国际论坛", submit=True)
    assert change.impact["budget_delta"] == "-44000.00"
    s.commit()
    b = session_as(make_user("boss", roles=["project_manager", "executive"]))
    changes.approve(b, b.get(ChangeRequest, change.id))
    b.commit()
    db.expire_all()
    assert [(line.service, str(line.amount)) for line in db.get(Project, confirmed).order_lines] == [
        ("同声传译", "16000.00")]


def test_reject_needs_a_reason_and_only_submitted_changes_are_decided(session_as, pm, make_user, confirmed):
    s = session_as(pm)
    change = _raise_time_change(s, confirmed)
    s.commit()
    b = session_as(make_user("boss", roles=["project_manager", "executive"]))
    mine = b.get(ChangeRequest, change.id)
    with pytest.raises(ValidationFailed) as refused:
        changes.reject(b, mine, "")
    assert refused.value.field == "note"
    changes.reject(b, mine, "场地无法改期")
    with pytest.raises(DomainError):
        changes.approve(b, mine)


def test_staff_without_approve_permission_cannot_decide(session_as, pm, make_user, confirmed):
    s = session_as(pm)
    change = _raise_time_change(s, confirmed)
    s.commit()
    cook = make_user("cook", roles=["department_staff"], departments=["CATER"])
    c = session_as(cook)
    with pytest.raises(Forbidden):
        changes.approve(c, c.get(ChangeRequest, change.id))


@pytest.mark.parametrize("kind,proposed,field", [
    ("time", {"start_at": "soon"}, "proposed.start_at"),
    ("time", {"end_at": "2030-01-01T00:00"}, "proposed.end_at"),
    ("venue", {"budget": 1}, "proposed.budget"),
    ("scale", {"attendance": 0}, "proposed.attendance"),
    ("services", {"remove": [987654]}, "proposed.remove"),
    ("services", {"add": [{"quantity": 1}]}, "proposed.add.0"),
    ("weather", {"x": 1}, "kind"),
    ("venue", {}, "proposed"),
])
def test_bad_proposals_name_the_field(db, confirmed, kind, proposed, field):
    with pytest.raises(ValidationFailed) as refused:
        changes.create_change(db, db.get(Project, confirmed), kind, proposed, "理由")
    assert refused.value.field == field


def test_a_reason_is_required(db, confirmed):
    with pytest.raises(ValidationFailed) as refused:
        changes.create_change(db, db.get(Project, confirmed), "scale", {"attendance": 500}, "  ")
    assert refused.value.field == "reason"
