"""Switching modules on and off: dependencies are respected, data stays, every app instance agrees."""
import pytest
from huiwu_example.models import Note
from sqlalchemy import func, select

from core.app import create_app
from core.errors import DomainError
from core.registry import switching
from core.registry.discovery import plugins_from
from core.registry.models import ModuleState
from core.registry.registry import Registry
from core.security.models import Role
from core.testing import plugin_state
from tests.plugins_for_tests.helpers import another_kernel


@pytest.fixture
def fakes(kernel):
    """A kernel on the test database knowing alpha, and beta which depends on it."""
    registry = Registry(plugins_from(["tests.plugins_for_tests.alpha", "tests.plugins_for_tests.beta"]))
    with another_kernel(kernel, registry) as other:
        yield other


def enabled(kernel):
    with kernel.system_session() as s:
        return set(kernel.registry.enabled(s))


def test_enable_refuses_while_a_dependency_is_off_and_names_it(fakes):
    with fakes.system_session() as s, pytest.raises(DomainError) as refused:
        switching.enable(fakes, s, "beta")
    assert str(refused.value.message) == "Module beta needs alpha enabled first."
    assert enabled(fakes) == set()


def test_enable_with_dependencies_switches_them_on_first(fakes):
    with fakes.system_session() as s:
        assert switching.enable(fakes, s, "beta", with_dependencies=True) == ["alpha", "beta"]
        s.commit()
    assert enabled(fakes) == {"alpha", "beta"}
    with fakes.system_session() as s:
        role = s.scalar(select(Role).where(Role.name == "alpha_reader"))
        assert role.permission_ids == {"alpha.thing.read"}


def test_disable_refuses_while_an_enabled_module_depends_on_it(fakes):
    with plugin_state(fakes, "beta", True):
        pass
    with fakes.system_session() as s, pytest.raises(DomainError) as refused:
        switching.disable(fakes, s, "alpha")
    assert str(refused.value.message) == "Module alpha cannot be disabled: beta depend on it."
    with plugin_state(fakes, "beta", False), plugin_state(fakes, "alpha", False):
        pass
    assert enabled(fakes) == set()


def test_unknown_and_broken_modules_are_refused_by_name(kernel):
    registry = Registry(plugins_from(["tests.plugins_for_tests.explodes"]))
    with another_kernel(kernel, registry) as other, other.system_session() as s:
        with pytest.raises(DomainError, match="There is no module named nosuch"):
            switching.enable(other, s, "nosuch")
        with pytest.raises(DomainError) as refused:
            switching.enable(other, s, "explodes")
    assert str(refused.value.message) == (
        "Module explodes cannot be loaded: RuntimeError: boom while importing explodes")


def test_disabling_keeps_the_data_and_enabling_brings_it_back(kernel, plugin_enabled, admin_client):
    plugin_enabled("example")
    admin_client.post("/api/v1/example/notes", json={"title": "供应商报价"})
    with plugin_state(kernel, "example", False):
        assert admin_client.get("/api/v1/example/notes").status_code == 404
        with kernel.system_session() as s:
            assert s.scalars(select(Note.title)).all() == ["供应商报价"]
    with plugin_state(kernel, "example", True):
        assert [n["title"] for n in admin_client.get("/api/v1/example/notes").get_json()] == ["供应商报价"]


# -- two application instances (two worker processes) on one database ------------------------

@pytest.fixture
def second_app(kernel):
    with another_kernel(kernel) as other:
        yield create_app(kernel=other)


def test_switching_in_one_instance_is_seen_by_the_other_from_its_next_request(
        kernel, app, second_app, plugin_enabled):
    from core.testing import login_client

    plugin_enabled("example")
    admin_id = _admin_id(kernel)
    other_client = login_client(second_app.test_client(), admin_id)
    assert other_client.get("/api/v1/example/notes").status_code == 200
    assert other_client.get("/admin/example_notes/").status_code == 200

    with plugin_state(kernel, "example", False):  # switched off through the first instance's kernel
        assert other_client.get("/api/v1/example/notes").status_code == 404
        assert other_client.get("/admin/example_notes/").status_code == 404
        assert "example_notes" not in other_client.get("/admin/").get_data(as_text=True)
    with plugin_state(kernel, "example", True):
        assert other_client.get("/api/v1/example/notes").status_code == 200
        assert "/admin/example_notes/" in other_client.get("/admin/").get_data(as_text=True)


def _admin_id(kernel):
    from core.security.models import User

    with kernel.system_session() as s:
        return s.scalar(select(User.id).where(User.login == "admin"))


def test_the_enabled_set_is_read_again_in_each_transaction(kernel, plugin_enabled):
    """A long-lived session (a worker's) sees another process's switch at its next transaction."""
    plugin_enabled("example")
    with kernel.system_session() as worker:
        assert "example" in kernel.registry.enabled(worker)
        worker.commit()
        with plugin_state(kernel, "example", False):
            pass
        assert "example" not in kernel.registry.enabled(worker)
        worker.rollback()
        with plugin_state(kernel, "example", True):
            pass
        assert "example" in kernel.registry.enabled(worker)


def test_module_state_is_one_row_per_module(kernel, plugin_enabled):
    plugin_enabled("example")
    with plugin_state(kernel, "example", False), plugin_state(kernel, "example", True):
        pass
    with kernel.system_session() as s:
        row = s.get(ModuleState, "example")
        assert (row.enabled, row.installed, row.installed_version) == (True, True, "0.1.0")
        assert s.scalar(select(func.count()).select_from(ModuleState).where(ModuleState.name == "example")) == 1


def test_an_install_step_that_raises_cancels_the_enabling_naming_the_module(kernel):
    registry = Registry(plugins_from(["tests.plugins_for_tests.install_raises"]))
    with another_kernel(kernel, registry) as other:
        with other.system_session() as s, pytest.raises(DomainError) as refused:
            switching.enable(other, s, "install_raises")
        assert str(refused.value.message) == (
            "Module install_raises could not be enabled: RuntimeError: the default price list is missing")
        assert enabled(other) == set()


def test_demo_data_that_fails_names_its_module(kernel):
    from core.bootstrap import load_demo

    registry = Registry(plugins_from(["tests.plugins_for_tests.install_raises"]))
    with another_kernel(kernel, registry) as other:
        with other.system_session() as s:
            s.add(ModuleState(name="install_raises", enabled=True, installed=True))
            s.commit()
        seen = []
        with pytest.raises(DomainError) as failed:
            load_demo(other, "small", progress=lambda done, total, label: seen.append((label, done, total)))
    assert str(failed.value.message) == (
        "Demo data of module install_raises failed: ValueError: no demo data at small scale")
    assert seen[:3] == [("core", 0, 1), ("core", 1, 1), ("install_raises", 0, 1)]
