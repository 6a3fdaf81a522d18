"""An administrator switches a module off and on in the module manager and watches its menu."""
import pytest

from core.testing import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

NOTES_MENU = 'nav a[href="/admin/example_notes/"]'


def test_disabling_a_module_takes_its_menu_away_and_enabling_brings_it_back(
        live_server, page, log_in, plugin_enabled, tmp_path):
    plugin_enabled("example")
    log_in("admin", ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/modules/")
    page.locator(NOTES_MENU).wait_for(state="attached")

    page.click("#disable-example")
    page.locator('#module-example[data-state="disabled"]').wait_for()
    page.locator(NOTES_MENU).wait_for(state="detached")
    page.locator("text=停用：便签").wait_for()
    page.screenshot(path=str(tmp_path / "disabled.png"), full_page=True)
    assert page.goto(f"{live_server}/admin/example_notes/").status == 404

    page.goto(f"{live_server}/admin/modules/")
    page.click("#enable-example")
    page.locator('#module-example[data-state="enabled"]').wait_for()
    page.locator(NOTES_MENU).wait_for(state="attached")
    assert page.goto(f"{live_server}/admin/example_notes/").status == 200


def test_the_language_switch_turns_the_admin_into_english(live_server, page, log_in):
    log_in("admin", ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin/modules/")
    page.locator("h4:has-text('模块')").wait_for()
    page.click("#locale-menu")
    page.click("#locale-en")
    page.locator("h4:has-text('Modules')").wait_for()
    page.locator("#module-example strong:has-text('Notes')").wait_for()
