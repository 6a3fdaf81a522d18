"""Uninstalling drops a module's tables only after a backup, and the backup brings them back."""
import json

import pytest
from huiwu_example.models import Note
from sqlalchemy import inspect, select, text

from core.backup import dump_tables, restore_tables
from core.errors import DomainError
from core.registry import switching
from core.registry.discovery import plugins_from
from core.registry.models import ModuleState
from core.registry.registry import Registry
from core.registry.uninstall import restore_from_backup, uninstall_with_backup
from core.testing import plugin_state
from tests.plugins_for_tests.helpers import another_kernel
from tests.plugins_for_tests.orm_models import SampleContact, create_tables


def has_table(kernel, name):
    return inspect(kernel.engine).has_table(name)


@pytest.fixture
def notes(kernel, plugin_enabled, make_user):
    plugin_enabled("example")
    writer = make_user("zhouqiang", roles=["note_taker"])
    with kernel.system_session() as s:
        s.add_all([Note(title="会场平面图", body="三楼宴会厅", created_by_id=writer.id),
                   Note(title="嘉宾名单", created_by_id=writer.id)])
        s.commit()
    return writer


def test_uninstall_backs_up_then_drops_the_tables(kernel, notes):
    path = uninstall_with_backup(kernel, "example")

    assert not has_table(kernel, "example_note")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["module"] == "example" and lines[0]["tables"] == ["example_note"]
    assert sorted(line["row"]["title"] for line in lines[1:]) == ["会场平面图", "嘉宾名单"]
    with kernel.system_session() as s:
        state = s.get(ModuleState, "example")
        assert (state.enabled, state.installed) == (False, False)


def test_restore_brings_back_tables_rows_and_the_module(kernel, notes, admin_client):
    path = uninstall_with_backup(kernel, "example")

    assert restore_from_backup(kernel, "example", path) == 2

    with kernel.system_session() as s:
        restored = s.execute(select(Note.title, Note.body, Note.created_by_id).order_by(Note.id)).all()
        assert restored == [("会场平面图", "三楼宴会厅", notes.id), ("嘉宾名单", None, notes.id)]
        assert s.get(ModuleState, "example").enabled
    # ids came back as they were, and the next note still gets a fresh one
    created = admin_client.post("/api/v1/example/notes", json={"title": "餐标确认"})
    assert created.status_code == 201 and created.get_json()["id"] == 3


def test_restore_refuses_a_backup_of_another_module_or_an_installed_module(kernel, notes, tmp_path):
    path = uninstall_with_backup(kernel, "example")
    other = tmp_path / "other.jsonl"
    other.write_text(path.read_text(encoding="utf-8").replace('"module": "example"', '"module": "crm"'),
                     encoding="utf-8")
    with kernel.system_session() as s, pytest.raises(DomainError, match="is not a backup of module example"):
        switching.restore(kernel, s, "example", other)
    restore_from_backup(kernel, "example", path)
    with kernel.system_session() as s, pytest.raises(DomainError, match="uninstall it before restoring"):
        switching.restore(kernel, s, "example", path)


def test_uninstall_is_refused_while_a_dependant_is_installed(kernel):
    registry = Registry(plugins_from(["tests.plugins_for_tests.alpha", "tests.plugins_for_tests.beta"]))
    with another_kernel(kernel, registry) as other:
        with plugin_state(other, "beta", True), plugin_state(other, "beta", False):
            pass
        with pytest.raises(DomainError) as refused:
            uninstall_with_backup(other, "alpha")
    assert str(refused.value.message) == (
        "Module alpha cannot be uninstalled: beta depend on it; uninstall them first.")
    assert not list((kernel.settings.instance_path / "backups").glob("alpha-*"))


def test_a_backup_holds_encrypted_columns_as_ciphertext_and_restores_them(kernel, tmp_path):
    create_tables(kernel.engine)
    with kernel.system_session() as s:
        s.add(SampleContact(name="陈静", phone="13700001111"))
        s.commit()
        path = dump_tables(s.connection(), [SampleContact.__table__], tmp_path / "contacts.jsonl")
        s.execute(SampleContact.__table__.delete())
        assert restore_tables(s.connection(), [SampleContact.__table__], path) == 1
        s.commit()
        assert "13700001111" not in path.read_text(encoding="utf-8")
        assert s.scalars(select(SampleContact.phone)).all() == ["13700001111"]
        assert s.execute(text("SELECT phone FROM testorm_contact")).scalar().startswith("v1:")
