"""The API: create, confirm, report progress, raise and approve a change; bad input named."""
from sqlalchemy import select

from core.security.models import User
from plugins.project.models import Task


def test_project_lifecycle_through_the_api(db, client_as, staff, pm, customer_id, make_user):
    staff("zhaolei", "CATER")
    boss = make_user("boss", roles=["project_manager", "executive"])
    api = client_as(pm)
    created = api.post("/api/v1/project/projects", json={
        "name": "2030 医学年会", "customer_id": customer_id, "manager_id": pm.id, "type": "conference",
        "start_at": "2030-09-10T09:00:00", "end_at": "2030-09-12T18:00:00", "city": "上海", "attendance": 800,
        "requirements": [{"category": "catering", "details": "三天午餐"}],
        "order_lines": [{"service": "会务服务费", "quantity": "1", "unit_price": "120000"}]})
    assert created.status_code == 201, created.get_json()
    project = created.get_json()
    assert project["code"].startswith("HW-") and project["order_lines"][0]["amount"] == "120000.00"
    pid = project["id"]
    for to in ("proposal", "confirmed"):
        assert api.post(f"/api/v1/project/projects/{pid}/transition", json={"to": to}).status_code == 200
    tasks = api.get(f"/api/v1/project/tasks?project_id={pid}").get_json()
    assert len(tasks) == 3 and all(t["assignee_id"] for t in tasks)

    cook = client_as(db.get(User, db.scalar(select(Task.assignee_id).where(Task.id == tasks[0]["id"]))))
    db.commit()
    done = cook.post(f"/api/v1/project/tasks/{tasks[0]['id']}/updates", json={"progress": 100, "note": "菜单已确认"})
    assert done.status_code == 201 and done.get_json()["status"] == "done"
    progress = api.get(f"/api/v1/project/projects/{pid}/progress").get_json()
    assert progress["done"] == 1 and progress["percent"] == 22  # 4 of 18 planned hours

    change = api.post("/api/v1/project/changes", json={
        "project_id": pid, "kind": "scale", "proposed": {"attendance": 1000}, "reason": "报名超预期",
        "submit": True}).get_json()
    assert change["status"] == "submitted"
    assert api.post(f"/api/v1/project/changes/{change['id']}/approve", json={}).status_code == 403
    approved = client_as(boss).post(f"/api/v1/project/changes/{change['id']}/approve", json={})
    assert approved.status_code == 200 and approved.get_json()["after"] == {"attendance": 1000}
    assert api.get(f"/api/v1/project/projects/{pid}").get_json()["attendance"] == 1000


def test_bad_input_is_named(client_as, pm, customer_id, new_project):
    api = client_as(pm)
    bad = api.post("/api/v1/project/projects", json={"name": "", "customer_id": customer_id,
                                                      "start_at": "x", "end_at": "2030-01-01T00:00:00"})
    assert bad.status_code == 422 and {"name", "start_at"} <= set(bad.get_json()["errors"])
    backwards = api.post("/api/v1/project/projects", json={
        "name": "x", "customer_id": customer_id, "start_at": "2030-02-01T00:00:00", "end_at": "2030-01-01T00:00:00"})
    assert backwards.status_code == 422 and "end_at" in backwards.get_json()["errors"]
    pid = new_project(manager_id=pm.id)
    wrong = api.post(f"/api/v1/project/projects/{pid}/transition", json={"to": "closed"})
    assert wrong.status_code == 400 and "status" in wrong.get_json()["errors"]
    stale = api.patch(f"/api/v1/project/projects/{pid}", json={"name": "改名", "version": 99})
    assert stale.status_code == 409
    assert api.patch(f"/api/v1/project/projects/{pid}", json={"name": "改名"}).status_code == 422
    nonsense = api.post("/api/v1/project/changes", json={"project_id": pid, "kind": "scale",
                                                          "proposed": {"attendance": "many"}, "reason": "r"})
    assert nonsense.status_code == 422 and "proposed.attendance" in nonsense.get_json()["errors"]


def test_others_projects_are_not_found_and_clients_are_refused(client_as, make_user, new_project):
    other = make_user("wangfang", roles=["project_manager"])
    pid = new_project(manager_id=other.id)
    assert client_as("project_manager").get(f"/api/v1/project/projects/{pid}").status_code == 404
    client = make_user("client", roles=["client"], portal=True)
    assert client_as(client).get("/api/v1/project/projects").status_code == 403
