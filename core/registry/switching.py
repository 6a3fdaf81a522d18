"""Enabling, disabling and uninstalling modules: the operations behind the UI and CLI.

Enabling runs the plugin's migrations, its install step and the role sync
in one transaction on PostgreSQL (DDL is transactional there); state lives
in ``core_module``, which every process reads, so the change is live
everywhere from the next request.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.db import migrate
from core.errors import DomainError
from core.registry.models import ModuleState
from core.security import log as security_log
from core.security.principal import current
from core.security.roles import sync_roles


def _state(session, name: str) -> ModuleState:
    state = session.get(ModuleState, name)
    if state is None:
        state = ModuleState(name=name, enabled=False, installed=False)
        session.add(state)
    return state


def _plugin(kernel, name: str):
    plugin = kernel.registry.plugins.get(name)
    if plugin is None:
        raise DomainError(_("There is no module named %(name)s.", name=name), field="name")
    if not plugin.ok:
        raise DomainError(_("Module %(name)s cannot be loaded: %(error)s", name=name, error=plugin.error),
                          field="name")
    return plugin


def missing_dependencies(kernel, session, name: str) -> list[str]:
    enabled = kernel.registry.enabled(session)
    return [d for d in order_of(kernel, kernel.registry.dependencies(name)) if d not in enabled]


def enabled_dependants(kernel, session, name: str) -> list[str]:
    enabled = kernel.registry.enabled(session)
    return [d for d in order_of(kernel, kernel.registry.dependants(name)) if d in enabled]


def order_of(kernel, names) -> list[str]:
    return [n for n in kernel.registry.order if n in set(names)]


def enable(kernel, session, name: str, with_dependencies: bool = False) -> list[str]:
    """Enable ``name`` (and, if asked, what it needs); return the names switched on."""
    _plugin(kernel, name)
    missing = missing_dependencies(kernel, session, name)
    if missing and not with_dependencies:
        raise DomainError(
            _("Module %(name)s needs %(deps)s enabled first.", name=name, deps=", ".join(missing)),
            field="name",
        )
    switched = []
    for target in missing + [name]:
        state = _state(session, target)
        if state.enabled:
            continue
        migrate.upgrade_on(session.connection(), kernel.registry, target)
        plugin = kernel.registry.plugins[target]
        if not state.installed:
            install = getattr(plugin.module, "huiwu_install", None)
            if install is not None:
                install(session=session)
        state.enabled, state.installed = True, True
        state.installed_version = plugin.manifest.version
        switched.append(target)
    session.flush()
    kernel.registry.forget_state(session)
    sync_roles(kernel, session)
    if switched:
        security_log.record(session, "module_changed", current(session), "enabled " + ", ".join(switched))
    return switched


def disable(kernel, session, name: str) -> None:
    """Disable ``name``; refused while an enabled module depends on it. Data stays."""
    _plugin(kernel, name)
    dependants = enabled_dependants(kernel, session, name)
    if dependants:
        raise DomainError(
            _("Module %(name)s cannot be disabled: %(deps)s depend on it.", name=name,
              deps=", ".join(dependants)),
            field="name",
        )
    state = _state(session, name)
    state.enabled = False
    session.flush()
    kernel.registry.forget_state(session)
    security_log.record(session, "module_changed", current(session), f"disabled {name}")


def uninstall(kernel, session, name: str, backup_path) -> None:
    """Drop the plugin's tables after a backup; the caller confirmed and took ``backup_path``."""
    plugin = _plugin(kernel, name)
    state = _state(session, name)
    if state.enabled:
        disable(kernel, session, name)
    hook = getattr(plugin.module, "huiwu_uninstall", None)
    if hook is not None:
        hook(session=session)
    conn = session.connection()
    migrate.downgrade_branch(conn, kernel.registry, name)
    tables = [m.__table__ for m in plugin.contributions.get("huiwu_models", [])]
    for table in reversed(_sorted_tables(tables)):  # a plugin without migrations
        table.drop(conn, checkfirst=True)
    state.installed = False
    state.installed_version = None
    security_log.record(session, "module_changed", current(session),
                        f"uninstalled {name}; backup {backup_path}")


def _sorted_tables(tables):
    from core.db.base import metadata

    wanted = set(tables)
    return [t for t in metadata.sorted_tables if t in wanted]
