"""A new plugin's migrations: generated on its own branch, applied on enable, undone on uninstall.

The plugin is a package written to a temporary folder, as an author's
checkout would be; the database is a fresh SQLite file of its own.
"""
import sys

import pytest
from sqlalchemy import inspect

import core.kernel
from core.bootstrap import initialise
from core.db import migrate
from core.registry import switching
from core.registry.discovery import plugins_from
from core.registry.registry import Registry
from core.registry.uninstall import uninstall_with_backup
from core.testing import cached_hash, make_settings

PACKAGE = '''
from core import Manifest, hookimpl
from zzrooms_pkg.models import Room

manifest = Manifest(name="zzrooms", version="0.1", title={"zh_Hans": "会议室", "en": "Rooms"})


@hookimpl
def huiwu_models():
    return [Room]
'''
MODELS = '''
from decimal import Decimal
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from core.db import AuditedMixin, Base, Money


class Room(AuditedMixin, Base):
    __tablename__ = "zzrooms_room"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    day_rate: Mapped[Decimal] = mapped_column(Money)
'''


@pytest.fixture(scope="module")
def rooms_package(tmp_path_factory):
    root = tmp_path_factory.mktemp("author_checkout")
    (root / "zzrooms_pkg").mkdir()
    (root / "zzrooms_pkg" / "__init__.py").write_text(PACKAGE)
    (root / "zzrooms_pkg" / "models.py").write_text(MODELS)
    sys.path.insert(0, str(root))
    yield root / "zzrooms_pkg"
    sys.path.remove(str(root))


@pytest.fixture
def fresh_kernel(rooms_package, tmp_path, kernel):
    from core.kernel import Kernel

    settings = make_settings(f"sqlite:///{tmp_path / 'author.sqlite3'}", tmp_path)
    fresh = Kernel(settings, registry=Registry(plugins_from(["zzrooms_pkg"])))
    initialise(fresh, admin_password_hash=cached_hash("x"))
    yield fresh
    fresh.dispose()
    core.kernel.current = kernel


def test_first_revision_gets_its_branch_and_depends_on_the_kernel_then_applies(fresh_kernel, rooms_package):
    engine, registry = fresh_kernel.engine, fresh_kernel.registry
    with fresh_kernel.system_session() as s:
        switching.enable(fresh_kernel, s, "zzrooms")  # no migrations yet: nothing to create
        s.commit()

    migrate.revision(engine, registry, "zzrooms", "rooms")

    [script] = (rooms_package / "migrations" / "versions").glob("*_rooms.py")
    text = script.read_text()
    assert "branch_labels = ('zzrooms',)" in text and "depends_on = 'core_0002'" in text
    assert "op.create_table('zzrooms_room'" in text and "core_user" not in text.split("create_table")[0]
    assert "core.db.types.Money(precision=18, scale=2)" in text

    migrate.upgrade(engine, registry, "zzrooms")
    assert inspect(engine).has_table("zzrooms_room")
    assert ("zzrooms", script.name.split("_")[0], script.name.split("_")[0]) in migrate.describe(engine, registry)

    uninstall_with_backup(fresh_kernel, "zzrooms")
    assert not inspect(engine).has_table("zzrooms_room")
    assert inspect(engine).has_table("core_user")
