"""A project from creation to an approved change, driven in Chromium as people would."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.testing import ADMIN_PASSWORD
from plugins.crm.operations import customers as crm
from plugins.project.models import ChangeRequest, Project

pytestmark = pytest.mark.browser


def test_create_confirm_see_tasks_then_change_approved_by_another_manager_reaches_the_inbox(
        kernel, live_server, page, log_in, chromium, make_user, plugin_enabled):
    plugin_enabled("project")
    with kernel.system_session() as s:
        customer, _flags = crm.create_customer(s, {"name": "杭州恒宇医药有限公司"})
        s.commit()
        customer_id = customer.id
    make_user("zhaolei", roles=["department_staff"], departments=["CATER"])
    make_user("laoli", roles=["project_manager", "executive"], departments=["PM"])

    log_in("admin", ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/project_projects/new/")
    page.fill("#name", "恒宇医药2030年经销商大会")
    page.locator("#customer").evaluate("(el, id) => { el.value = id; }", str(customer_id))
    page.fill("#start_at", "2030-05-20 09:00")
    page.fill("#end_at", "2030-05-21 18:00")
    page.fill("#city", "杭州")
    page.click("#requirements-button")
    page.select_option("#requirements-0-category", "catering", force=True)
    page.click("input[type=submit].btn-primary")
    page.locator(".alert-success").wait_for()

    with kernel.system_session() as s:
        project_id = s.scalar(select(Project.id).where(Project.name == "恒宇医药2030年经销商大会"))
    assert project_id is not None
    details = f"{live_server}/admin/project_projects/details/?id={project_id}"
    page.goto(details)
    page.click("button[value=proposal]")
    page.click("button[value=confirmed]")
    page.locator("#tasks >> text=确认菜单").wait_for()
    page.locator("#tasks >> text=Zhaolei").first.wait_for()

    page.goto(f"{live_server}/admin/project_changes/new/")
    page.locator("#project").evaluate("(el, id) => { el.value = id; }", str(project_id))
    page.select_option("#kind", "scale", force=True)
    page.fill("#proposed", '{"attendance": 800}')
    page.fill("#reason", "报名人数超出预期")
    page.click("input[type=submit].btn-primary")
    page.locator(".alert-success").wait_for()

    with kernel.system_session() as s:
        change_id = s.scalar(select(ChangeRequest.id).where(ChangeRequest.project_id == project_id))
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        other = context.new_page()
        other.goto(f"{live_server}/login")
        other.fill("#login", "laoli")
        other.fill("#password", "secret-pass")
        other.click("#login-submit")
        other.locator("#user-menu").wait_for()
        other.goto(f"{live_server}/admin/project_changes/details/?id={change_id}")
        other.click("button[value=approve]")
        other.locator(".alert-success").wait_for()
    finally:
        context.close()

    with kernel.system_session() as s:
        assert s.get(Project, project_id).attendance == 800
    page.goto(f"{live_server}/admin/inbox/")
    page.locator("text=恒宇医药2030年经销商大会").first.wait_for()
