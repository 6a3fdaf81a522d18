"""The registry refuses a broken plugin with a reason naming it, and loads the others.

Registries here are built from the fake plugins in ``tests/plugins_for_tests``,
as if installed distributions had announced them.
"""
from decimal import Decimal

import pytest

from core.registry.discovery import plugins_from
from core.registry.registry import Registry

FAKES = "tests.plugins_for_tests."


def registry_of(*names):
    return Registry(plugins_from([FAKES + n for n in names]))


def refusal(registry, name):
    plugin = registry.plugins[name]
    assert not plugin.ok, f"{name} should have been refused"
    return plugin.error


def loaded(registry):
    return [p.name for p in registry.loaded]


def test_healthy_plugins_load_in_dependency_order():
    registry = registry_of("beta", "alpha")
    assert loaded(registry) == ["alpha", "beta"]
    assert registry.broken == []
    assert registry.dependants("alpha") == {"beta"}
    assert registry.dependencies("beta") == {"alpha"}


def test_a_cycle_names_its_members_and_the_rest_loads():
    registry = registry_of("alpha", "cycle_one", "cycle_two")
    assert "dependency cycle: cycle_one -> cycle_two -> cycle_one" in refusal(registry, "cycle_one")
    assert "dependency cycle" in refusal(registry, "cycle_two")
    assert loaded(registry) == ["alpha"]


def test_a_missing_dependency_is_named():
    registry = registry_of("alpha", "needs_ghost")
    assert refusal(registry, "needs_ghost") == "depends on 'ghost', which is not installed"
    assert loaded(registry) == ["alpha"]


def test_a_plugin_whose_import_raises_is_refused_with_the_reason():
    registry = registry_of("alpha", "explodes")
    assert refusal(registry, "explodes") == "RuntimeError: boom while importing explodes"
    assert loaded(registry) == ["alpha"]


@pytest.mark.parametrize("name, reason", [
    ("bad_manifest", "plugin 'bad_manifest': title in en missing"),
    ("no_manifest", "has no `manifest` of type core.Manifest"),
])
def test_a_bad_or_missing_manifest_is_refused(name, reason):
    registry = registry_of("alpha", name)
    assert reason in refusal(registry, name)
    assert loaded(registry) == ["alpha"]


def test_a_misspelt_hook_is_refused_with_a_suggestion():
    registry = registry_of("alpha", "misspelt")
    assert refusal(registry, "misspelt") == (
        "implements unknown hook 'huiwu_modelz' (did you mean 'huiwu_models'?)")
    assert loaded(registry) == ["alpha"]


def test_a_hook_function_without_the_decorator_is_refused():
    # Without @hookimpl pluggy would silently ignore it; the author would never know why.
    registry = registry_of("undecorated")
    assert refusal(registry, "undecorated") == "huiwu_permissions is not decorated with @hookimpl"


def test_a_start_up_hook_that_raises_refuses_the_plugin_and_its_dependants():
    registry = registry_of("alpha", "hook_raises", "needs_hook_raises")
    assert refusal(registry, "hook_raises") == (
        "KeyError in huiwu_permissions: 'permission table not ready'")
    assert refusal(registry, "needs_hook_raises") == "depends on 'hook_raises', which cannot be loaded"
    assert loaded(registry) == ["alpha"]


def test_a_surface_hook_that_raises_later_is_refused_and_left_out():
    registry = registry_of("alpha", "views_raise")
    answers = registry.call("huiwu_admin_views", session=None)
    assert "views_raise" not in answers
    assert refusal(registry, "views_raise") == "RuntimeError in huiwu_admin_views: cannot build the views"
    assert loaded(registry) == ["alpha"]


@pytest.mark.parametrize("name, reason", [
    ("wrong_prefix", "huiwu_permissions declares 'alpha.thing.delete', outside the prefix 'wrong_prefix.'"),
    ("wrong_table", "model Thing has table 'thing'; tables must start with 'wrong_table_'"),
    ("unknown_role_permission",
     "role 'clerk' names undeclared permissions unknown_role_permission.file.read"),
])
def test_declarations_outside_the_plugins_own_prefix_are_refused(name, reason):
    registry = registry_of("alpha", name)
    assert refusal(registry, name) == reason
    assert loaded(registry) == ["alpha"]


def test_a_plugin_answers_another_plugins_hook_whatever_the_registration_order():
    # "answerer" sorts (and registers) before "publisher", which publishes the spec.
    registry = registry_of("answerer", "publisher")
    assert loaded(registry) == ["answerer", "publisher"]
    answers = registry.call("huiwu_project_costs", project_id=2)
    assert answers == {"answerer": [("room hire", Decimal("2400.00"))]}


def test_an_optional_answer_loads_when_the_publisher_is_absent():
    registry = registry_of("answerer")
    assert loaded(registry) == ["answerer"]


def test_an_answer_that_does_not_match_the_published_spec_is_refused():
    registry = registry_of("publisher", "answerer_wrong_args")
    assert "currency" in refusal(registry, "answerer_wrong_args")
    assert loaded(registry) == ["publisher"]


def test_only_enabled_plugins_are_asked(kernel, db):
    from core.registry.models import ModuleState

    registry = registry_of("answerer", "publisher")
    db.add_all([ModuleState(name="publisher", enabled=True, installed=True),
                ModuleState(name="answerer", enabled=False, installed=True)])
    db.flush()
    assert registry.ask(db, "huiwu_project_costs", project_id=1) == {}
    db.get(ModuleState, "answerer").enabled = True
    db.flush()
    registry.forget_state(db)
    assert registry.ask(db, "huiwu_project_costs", project_id=1) == {
        "answerer": [("room hire", Decimal("1200.00"))]}


# -- real discovery through entry points ---------------------------------------------

@pytest.fixture
def fake_distribution(tmp_path, monkeypatch):
    """A distribution 'fake-agency-tools' announcing two plugins, one of which cannot import."""
    info = tmp_path / "fake_agency_tools-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-agency-tools\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[huiwu.plugins]\nzz_fine = zz_fine_pkg\nzz_broken = zz_broken_pkg\n")
    (tmp_path / "zz_fine_pkg.py").write_text(
        "from core import Manifest\n"
        "manifest = Manifest(name='zz_fine', version='0.1', title={'zh_Hans': '好', 'en': 'Fine'})\n")
    (tmp_path / "zz_broken_pkg.py").write_text("import a_module_nobody_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for module in ("zz_fine_pkg", "zz_broken_pkg"):
        monkeypatch.delitem(__import__("sys").modules, module, raising=False)


def test_entry_point_discovery_reports_a_broken_distribution_and_loads_the_rest(fake_distribution):
    registry = Registry()
    fine = registry.plugins["zz_fine"]
    assert fine.ok and fine.distribution == "fake-agency-tools"
    assert refusal(registry, "zz_broken") == "ModuleNotFoundError: No module named 'a_module_nobody_installed'"
    # the third-party example installed next to Huiwu is unaffected
    assert {"zz_fine", "example"} <= set(loaded(registry))


def test_the_application_starts_and_serves_with_broken_plugins_installed(kernel):
    from core.app import create_app
    from tests.plugins_for_tests.helpers import another_kernel

    registry = registry_of("alpha", "views_raise", "explodes", "misspelt")
    with another_kernel(kernel, registry) as other:
        app = create_app(kernel=other)
        assert app.test_client().get("/login").status_code == 200
    assert [p.name for p in registry.broken] == ["explodes", "misspelt", "views_raise"]
    assert loaded(registry) == ["alpha"]


def test_every_hookspec_is_documented_and_every_start_up_hook_is_a_spec():
    import inspect

    from core import hookspecs
    from core.registry.registry import STATIC_HOOKS

    specs = {n: f for n, f in vars(hookspecs).items() if hasattr(f, "huiwu_spec")}
    assert len(specs) >= 17
    undocumented = [n for n, f in specs.items() if len(inspect.getdoc(f) or "") < 40]
    assert undocumented == []
    assert set(STATIC_HOOKS) <= set(specs)
