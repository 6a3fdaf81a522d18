"""Uninstalling with a backup first: the one way a module's data is dropped."""
from __future__ import annotations

from core.backup import backup_path, dump_tables
from core.db.base import metadata
from core.registry import switching


def plugin_tables(kernel, name: str):
    plugin = kernel.registry.plugins[name]
    owned = {m.__table__ for m in plugin.contributions.get("huiwu_models", [])}
    return [t for t in metadata.sorted_tables if t in owned]


def uninstall_with_backup(kernel, name: str):
    path = backup_path(kernel.settings.instance_path, name)
    with kernel.system_session() as session:
        switching._plugin(kernel, name)
        dump_tables(session.connection(), plugin_tables(kernel, name), path)
        switching.uninstall(kernel, session, name, path)
        session.commit()
    return path
