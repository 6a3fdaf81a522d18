"""Uninstalling with a backup first: the one way a module's data is dropped."""
from __future__ import annotations

from pathlib import Path

from core.backup import backup_path, dump_tables
from core.registry import switching
from core.registry.switching import plugin_tables


def uninstall_with_backup(kernel, name: str) -> Path:
    """Back the module's tables up to the instance folder, then drop them; return the backup."""
    path = backup_path(kernel.settings.instance_path, name)
    with kernel.system_session() as session:
        plugin = switching.check_can_uninstall(kernel, session, name)
        dump_tables(session.connection(), plugin_tables(kernel, name), path,
                    module=name, version=plugin.manifest.version)
        switching.uninstall(kernel, session, name, path)
        session.commit()
    return path


def restore_from_backup(kernel, name: str, path: Path) -> int:
    """Re-create an uninstalled module's tables, fill them from ``path`` and enable it."""
    with kernel.system_session() as session:
        count = switching.restore(kernel, session, name, path)
        session.commit()
    return count
