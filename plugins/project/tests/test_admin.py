"""The admin pages open for a PM and do what their buttons say."""
from sqlalchemy import select

from core.testing import csrf_from
from plugins.project.models import ChangeRequest, Project


def test_pm_pages_open_and_confirm_button_creates_tasks(db, client_as, staff, pm, new_project):
    staff("zhaolei", "CATER")
    pid = new_project(manager_id=pm.id)
    db.get(Project, pid).status = "proposal"
    db.commit()
    admin = client_as(pm, locale="zh_Hans")
    for url in ("/admin/project_projects/", "/admin/project_projects/new/", "/admin/project_tasks/",
                "/admin/project_tasks/board/", "/admin/project_changes/", "/admin/project_changes/new/",
                f"/admin/project_projects/edit/?id={pid}", f"/admin/project_tasks/?flt0_0={pid}",
                f"/admin/project_changes/?flt0_1={pid}"):
        assert admin.get(url).status_code == 200, url  # filters by id compare integers (PostgreSQL is strict)
    details = admin.get(f"/admin/project_projects/details/?id={pid}").get_data(as_text=True)
    moved = admin.post(f"/admin/project_projects/transition/?id={pid}",
                       data={"csrf_token": csrf_from(details), "to": "confirmed"})
    assert moved.status_code == 302
    page = admin.get(f"/admin/project_projects/details/?id={pid}").get_data(as_text=True)
    assert "确认菜单" in page and "Zhaolei" in page
    assert "确认菜单" in admin.get("/admin/project_tasks/board/").get_data(as_text=True)


def test_change_approved_from_its_page(db, client_as, pm, make_user, new_project):
    boss = make_user("boss", roles=["project_manager", "executive"])
    pid = new_project(manager_id=pm.id)
    pm_admin = client_as(pm)
    form = pm_admin.get("/admin/project_changes/new/").get_data(as_text=True)
    created = pm_admin.post("/admin/project_changes/new/", data={
        "csrf_token": csrf_from(form), "project": str(pid), "kind": "scale",
        "proposed": '{"attendance": 500}', "reason": "报名超预期"})
    assert created.status_code == 302
    change_id = db.scalar(select(ChangeRequest.id))
    db.commit()
    boss_admin = client_as(boss)
    page = boss_admin.get(f"/admin/project_changes/details/?id={change_id}").get_data(as_text=True)
    boss_admin.post(f"/admin/project_changes/decide/?id={change_id}",
                    data={"csrf_token": csrf_from(page), "action": "approve"})
    assert db.get(Project, pid).attendance == 500
