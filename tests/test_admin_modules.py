"""The module manager: what is installed, in which state, and switching modules from the admin."""
import json
import types

import pytest
from huiwu_example.models import Note
from sqlalchemy import inspect, select

import core.kernel
from core import Manifest
from core.app import create_app
from core.kernel import Kernel
from core.registry.discovery import Plugin
from core.registry.models import ModuleState
from core.registry.registry import Registry
from core.security.log import SecurityEvent
from core.security.models import User
from core.testing import csrf_from, login_client, make_settings

MODULES = "/admin/modules"


def fake_plugin(name, zh, en, depends=()):
    module = types.ModuleType(f"fake_{name}")
    module.manifest = Manifest(name=name, version="1.2.0", title={"zh_Hans": zh, "en": en},
                               description={"zh_Hans": f"{zh}说明", "en": f"About {en}"}, depends=depends)
    return Plugin(name=name, module=module, manifest=module.manifest)


@pytest.fixture
def agency(kernel, database_url, instance_path):
    """An app whose installed plugins are venues, bookings (needing venues) and a broken one."""
    previous = core.kernel.current
    plugins = {
        "venues": fake_plugin("venues", "场地", "Venues"),
        "bookings": fake_plugin("bookings", "预订", "Bookings", depends=("venues",)),
        "broken": Plugin(name="broken", error="ImportError: No module named 'reportlabx'"),
    }
    other = Kernel(make_settings(database_url, instance_path), registry=Registry(plugins))
    app = create_app(kernel=other)
    with other.system_session() as s:
        admin_id = s.scalar(select(User.id).where(User.login == "admin"))
    yield other, login_client(app.test_client(), admin_id)
    other.dispose()
    core.kernel.current = previous


def states(kernel):
    """State of this test's fake modules (the real ones in the database are not its business)."""
    with kernel.system_session() as s:
        return {m.name: m.enabled for m in s.scalars(select(ModuleState))
                if m.name in kernel.registry.plugins}


def post(client, path, **data):
    token = csrf_from(client.get(f"{MODULES}/").get_data(as_text=True))
    return client.post(f"{MODULES}/{path}/", data={"csrf_token": token, **data}, follow_redirects=True)


def row_of(page: str, name: str) -> str:
    return page.split(f'id="module-{name}"', 1)[1].split("</tr>", 1)[0]


def test_list_shows_every_module_with_state_dependencies_and_reason(agency):
    _kernel, client = agency
    page = client.get(f"{MODULES}/").get_data(as_text=True)
    bookings = row_of(page, "bookings")
    assert "Bookings" in bookings and "About Bookings" in bookings and "1.2.0" in bookings
    assert bookings.startswith(' data-state="not_installed"') and "Not installed" in bookings
    assert "Venues" in bookings  # needs
    assert "Bookings" in row_of(page, "venues")  # needed by
    broken = row_of(page, "broken")
    assert "Broken" in broken and "No module named &#39;reportlabx&#39;" in broken
    assert "enable-broken" not in broken


def test_titles_follow_the_language(agency):
    _kernel, client = agency
    with client.session_transaction() as sess:
        sess["locale"] = "zh_Hans"
    page = client.get(f"{MODULES}/").get_data(as_text=True)
    assert "预订" in row_of(page, "bookings") and "预订说明" in row_of(page, "bookings")


def test_enabling_a_module_with_missing_dependencies_asks_first(agency):
    kernel, client = agency
    asked = post(client, "enable", name="bookings").get_data(as_text=True)
    assert 'id="missing-dependencies"' in asked and "Venues" in asked
    assert states(kernel) == {}
    done = post(client, "enable", name="bookings", with_dependencies="1").get_data(as_text=True)
    assert "Enabled: Venues、Bookings." in done
    assert states(kernel) == {"venues": True, "bookings": True}
    assert 'data-state="enabled"' in done


def test_disabling_a_module_others_need_is_refused_naming_them(agency):
    kernel, client = agency
    post(client, "enable", name="bookings", with_dependencies="1")
    refused = post(client, "disable", name="venues").get_data(as_text=True)
    assert "Venues cannot be disabled while Bookings depend on it" in refused
    assert states(kernel) == {"venues": True, "bookings": True}
    post(client, "disable", name="bookings")
    done = post(client, "disable", name="venues").get_data(as_text=True)
    assert "Disabled: Venues." in done
    assert states(kernel) == {"venues": False, "bookings": False}


def test_uninstalling_a_module_others_have_installed_is_refused(agency):
    _kernel, client = agency
    post(client, "enable", name="bookings", with_dependencies="1")
    refused = client.get(f"{MODULES}/uninstall/?name=venues", follow_redirects=True).get_data(as_text=True)
    assert "Venues cannot be uninstalled while Bookings, which need it, are installed" in refused


def test_module_readers_see_no_switches_and_cannot_switch(kernel, client_as, make_user, plugin_enabled):
    plugin_enabled("example")
    reader = client_as(make_user("auditor", permissions=["core.module.read"]))
    page = reader.get(f"{MODULES}/").get_data(as_text=True)
    assert 'id="module-example"' in page and 'id="disable-example"' not in page
    answer = reader.post(f"{MODULES}/disable/", data={"csrf_token": _token(reader), "name": "example"})
    assert answer.status_code == 403
    assert states(kernel)["example"] is True
    with kernel.system_session() as s:
        assert s.scalar(select(SecurityEvent.login).where(SecurityEvent.kind == "refused")) == "auditor"


def _token(client):
    """A CSRF token from any form the client may open (the login page has one)."""
    return csrf_from(client.get("/login").get_data(as_text=True))


def test_without_module_permission_the_page_is_403(client_as, make_user):
    assert client_as(make_user("clerk")).get(f"{MODULES}/").status_code == 403


def test_uninstall_asks_for_the_name_takes_a_backup_and_drops_the_tables(kernel, admin_client, plugin_enabled):
    plugin_enabled("example")
    with kernel.system_session() as s:
        s.add(Note(title="会场布置清单"))
        s.commit()
    confirm = admin_client.get(f"{MODULES}/uninstall/?name=example").get_data(as_text=True)
    assert "<code>example_note</code>" in confirm
    wrong = admin_client.post(f"{MODULES}/uninstall/", data={
        "csrf_token": csrf_from(confirm), "name": "example", "confirm_name": "exampel"})
    assert "Type the module&#39;s technical name to confirm." in wrong.get_data(as_text=True)
    assert inspect(kernel.engine).has_table("example_note")
    done = admin_client.post(f"{MODULES}/uninstall/", data={
        "csrf_token": csrf_from(confirm), "name": "example", "confirm_name": "example"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "was uninstalled" in page
    assert 'data-state="not_installed"' in page
    assert not inspect(kernel.engine).has_table("example_note")
    backups = list((kernel.settings.instance_path / "backups").glob("example-*.jsonl"))
    rows = [json.loads(line) for line in max(backups).read_text(encoding="utf-8").splitlines()[1:]]
    assert [r["row"]["title"] for r in rows] == ["会场布置清单"]
    with kernel.system_session() as s:
        assert s.scalar(select(SecurityEvent.login).where(SecurityEvent.detail.like("uninstall of example%"))) \
            == "admin"
