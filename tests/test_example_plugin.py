"""The third-party example (examples/huiwu-example-plugin), pip-installed next to Huiwu.

Nothing in the Huiwu repository names it: it is found through its entry
point, and everything it shows comes and goes with its module switch.
"""
import pytest
from huiwu_example.models import Note
from sqlalchemy import func, inspect, select

from core.registry.discovery import discover
from core.registry.models import ModuleState
from core.registry.uninstall import uninstall_with_backup
from core.testing import plugin_state

MENU_LINK = 'href="/admin/example_notes/"'


@pytest.fixture
def never_installed(kernel):
    """The example as a fresh installation sees it: discovered, not yet installed."""
    if inspect(kernel.engine).has_table("example_note"):
        uninstall_with_backup(kernel, "example")
    with kernel.system_session() as s:
        assert not (s.get(ModuleState, "example") or ModuleState(installed=False)).installed


def test_it_is_discovered_through_its_distributions_entry_point():
    plugin = discover()["example"]
    assert plugin.ok and plugin.distribution == "huiwu-example-plugin"
    assert plugin.manifest.title_for("zh_Hans") == "便签"


def test_enabled_it_creates_its_table_and_shows_its_views_menu_and_api(
        kernel, never_installed, plugin_enabled, admin_client, client_as, make_user):
    assert admin_client.get("/api/v1/example/notes").status_code == 404
    assert MENU_LINK not in admin_client.get("/admin/").get_data(as_text=True)

    plugin_enabled("example")

    assert inspect(kernel.engine).has_table("example_note")
    assert MENU_LINK in admin_client.get("/admin/").get_data(as_text=True)
    assert admin_client.get("/admin/example_notes/").status_code == 200
    created = admin_client.post("/api/v1/example/notes", json={"title": "彩排时间表"})
    assert created.status_code == 201 and created.get_json()["title"] == "彩排时间表"
    assert "/api/v1/example/notes" in admin_client.get("/api/v1/openapi.json").get_json()["paths"]
    # its default role arrived with it: a note taker sees the menu, other staff do not
    assert MENU_LINK in client_as("note_taker").get("/admin/").get_data(as_text=True)
    assert MENU_LINK not in client_as(make_user("guest")).get("/admin/").get_data(as_text=True)


def test_disabled_its_surfaces_vanish_and_its_data_stays_then_comes_back(
        kernel, plugin_enabled, admin_client):
    plugin_enabled("example")
    admin_client.post("/api/v1/example/notes", json={"title": "嘉宾接送安排", "body": "虹桥机场 T2"})

    with plugin_state(kernel, "example", False):
        pass
    assert admin_client.get("/api/v1/example/notes").status_code == 404
    assert admin_client.post("/api/v1/example/notes", json={"title": "x"}).status_code == 404
    assert admin_client.get("/admin/example_notes/").status_code == 404
    assert MENU_LINK not in admin_client.get("/admin/").get_data(as_text=True)
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 1

    with plugin_state(kernel, "example", True):
        pass
    notes = admin_client.get("/api/v1/example/notes").get_json()
    assert [(n["title"], n["body"]) for n in notes] == [("嘉宾接送安排", "虹桥机场 T2")]
    assert MENU_LINK in admin_client.get("/admin/").get_data(as_text=True)


def test_it_brings_its_own_chinese_translations(plugin_enabled, app, kernel):
    from sqlalchemy import select as sql_select

    from core.security.models import User
    from core.testing import login_client

    plugin_enabled("example")
    with kernel.system_session() as s:
        admin_id = s.scalar(sql_select(User.id).where(User.login == "admin"))
    client = login_client(app.test_client(), admin_id, locale="zh_Hans")
    page = client.get("/admin/example_notes/").get_data(as_text=True)
    assert "便签" in page and "标题" in page and "写于" in page
