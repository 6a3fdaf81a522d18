"""The status workflow: allowed moves, refused moves, separate permissions, events."""
from datetime import UTC, datetime

import pytest

from core.errors import DomainError, Forbidden, ValidationFailed
from plugins.project.models import Project
from plugins.project.operations import projects, workflow


def test_code_is_numbered_per_year(db, new_project):
    first, second = new_project(), new_project()
    codes = [db.get(Project, i).code for i in (first, second)]
    assert codes[0].startswith("HW-") and codes[0].endswith("-0001")
    assert codes[1].endswith("-0002")


def test_walk_the_whole_workflow_emits_events_crm_understands(db, new_project, events):
    project = db.get(Project, new_project())
    for target in ("proposal", "confirmed", "in_preparation", "on_site", "completed", "closed"):
        workflow.move(db, project, target)
    db.commit()
    assert project.status == "closed" and project.confirmed_at and project.closed_at
    confirmed = events["project.confirmed"][0]
    assert confirmed["customer_id"] == project.customer_id
    assert confirmed["start_date"] == "2030-05-20" and confirmed["amount"] == "60000.00"
    moves = [(p["old_status"], p["new_status"]) for p in events["project.status_changed"]]
    assert moves[0] == ("enquiry", "proposal") and moves[-1] == ("completed", "closed")
    assert events["project.completed"][0]["code"] == project.code


@pytest.mark.parametrize("status,target", [("enquiry", "confirmed"), ("enquiry", "completed"),
                                           ("confirmed", "closed")])
def test_moves_out_of_order_are_refused(db, new_project, status, target):
    project = db.get(Project, new_project())
    project.status = status
    with pytest.raises(DomainError) as refused:
        workflow.move(db, project, target)
    assert refused.value.field == "status"


def test_unknown_status_names_the_field(db, new_project):
    with pytest.raises(ValidationFailed) as refused:
        workflow.move(db, db.get(Project, new_project()), "finished")
    assert refused.value.field == "status"


def test_confirm_cancel_and_close_need_their_own_permission(make_user, session_as, new_project):
    user = make_user("editor", permissions=["project.project.read", "project.project.read_all",
                                            "project.project.update"])
    s = session_as(user)
    project = s.get(Project, new_project())
    workflow.move(s, project, "proposal")
    for target in ("confirmed", "cancelled"):
        with pytest.raises(Forbidden):
            workflow.move(s, project, target)


def test_bad_input_names_the_field(db, customer_id):
    base = {"name": "x", "customer_id": customer_id, "start_at": "2030-05-20T09:00", "end_at": "2030-05-21T18:00"}
    for field, value in [("name", " "), ("customer_id", 999999), ("start_at", "next week"),
                         ("attendance", -3), ("type", "party")]:
        with pytest.raises(ValidationFailed) as refused:
            projects.create_project(db, {**base, field: value})
        assert refused.value.field == field
    with pytest.raises(ValidationFailed) as refused:
        projects.create_project(db, {**base, "end_at": "2030-05-19T09:00"})
    assert refused.value.field == "end_at"
    with pytest.raises(ValidationFailed) as refused:
        projects.create_project(db, {**base, "requirements": [{"category": "fireworks"}]})
    assert refused.value.field == "requirements.0"


def test_naive_times_are_read_in_the_company_zone(db, customer_id):
    project = projects.create_project(db, {"name": "x", "customer_id": customer_id,
                                           "start_at": "2030-05-20T09:00", "end_at": "2030-05-20T18:00"})
    db.commit()
    db.expire_all()
    assert db.get(Project, project.id).start_at == datetime(2030, 5, 20, 1, 0, tzinfo=UTC)
