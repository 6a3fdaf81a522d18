"""An account manager's first minutes with a new client, in Chromium: customer, contact, a call."""
import pytest

from core.testing import ADMIN_PASSWORD

pytestmark = pytest.mark.browser


def test_create_a_customer_with_a_contact_and_log_a_call(live_server, page, log_in, tmp_path):
    log_in("admin", ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/crm_customers/new/")
    page.fill("#name", "苏州金鸡湖会展有限公司")
    page.fill("#credit_code", "91350100M000100Y43")
    page.select_option("#industry", "government")
    page.fill("#city", "苏州")
    page.select_option("#level", "key")
    page.click("input[name=_continue_editing]")
    page.wait_for_url("**/crm_customers/edit/**")

    page.click(".nav-tabs a:has-text('详情')")
    page.locator("#customer-contacts:has-text('暂无联系人')").wait_for()
    page.click("#add-contact")
    page.fill("#name", "顾敏")
    page.fill("#title", "办公室主任")
    page.fill("#mobile", "139 1234 5678")
    page.fill("#email", "gu@jinjihu.example")
    page.click("input[type=submit][value='保存']")
    page.locator("#customer-contacts:has-text('顾敏')").wait_for()
    assert "13912345678" in page.inner_text("#customer-contacts")

    page.click("#log-call")
    assert page.input_value("#kind") == "call"
    page.select_option("#direction", "out")
    page.fill("#subject", "确认十月年会档期")
    page.fill("#body", "客户希望十月中旬在金鸡湖举办年会，约300人。")
    page.click("input[type=submit][value='保存']")

    entry = page.locator("#customer-timeline li", has_text="确认十月年会档期")
    entry.wait_for()
    assert "电话" in entry.inner_text()
    page.screenshot(path=str(tmp_path / "customer.png"), full_page=True)
