"""Enabling, disabling and uninstalling modules: the operations behind the UI and CLI.

Enabling runs the plugin's migrations, its install step and the role sync
in one transaction on PostgreSQL (DDL is transactional there); state lives
in ``core_module``, which every process reads, so the change is live
everywhere from the next request.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core import backup
from core.db import migrate
from core.db.base import metadata
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
    """Enable ``name`` (and, if asked, what it needs); return the names switched on.

    Refused, naming them, while dependencies are off and ``with_dependencies``
    is not given. A failing migration or install step is reported naming the
    module; the caller rolls the transaction back.
    """
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
        plugin = kernel.registry.plugins[target]
        try:
            migrate.upgrade_on(session.connection(), kernel.registry, target)
            install = kernel.registry.implementation(target, "huiwu_install")
            if not state.installed and install is not None:
                install(session=session)
        except DomainError:
            raise
        except Exception as exc:
            raise DomainError(_("Module %(name)s could not be enabled: %(error)s", name=target,
                                error=f"{type(exc).__name__}: {exc}"), field="name") from exc
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


def installed_dependants(kernel, session, name: str) -> list[str]:
    """Dependants whose tables exist (enabled or not): their rows may point at ours."""
    found = kernel.registry.dependants(name)
    rows = session.scalars(select(ModuleState.name).where(ModuleState.installed.is_(True),
                                                          ModuleState.name.in_(found)))
    return order_of(kernel, set(rows))


def check_can_uninstall(kernel, session, name: str):
    """The plugin, unless a module depending on it is still installed (then refused, naming it)."""
    plugin = _plugin(kernel, name)
    dependants = installed_dependants(kernel, session, name)
    if dependants:
        raise DomainError(
            _("Module %(name)s cannot be uninstalled: %(deps)s depend on it; uninstall them first.",
              name=name, deps=", ".join(dependants)),
            field="name",
        )
    return plugin


def uninstall(kernel, session, name: str, backup_path) -> None:
    """Drop the plugin's tables after a backup; the caller confirmed and took ``backup_path``.

    Refused while a module depending on it is still installed (its tables
    may point at ours): uninstall that one first.
    """
    check_can_uninstall(kernel, session, name)
    state = _state(session, name)
    if state.enabled:
        disable(kernel, session, name)
    hook = kernel.registry.implementation(name, "huiwu_uninstall")
    if hook is not None:
        hook(session=session)
    conn = session.connection()
    migrate.downgrade_branch(conn, kernel.registry, name)
    for table in reversed(plugin_tables(kernel, name)):  # a plugin without migrations
        table.drop(conn, checkfirst=True)
    state.installed = False
    state.installed_version = None
    session.flush()
    security_log.record(session, "module_changed", current(session),
                        f"uninstalled {name}; backup {backup_path}")


def restore(kernel, session, name: str, path) -> int:
    """Bring an uninstalled module back from its backup: tables, rows, enabled; return rows restored.

    The install step does not run (the backup holds what it once seeded).
    """
    plugin = _plugin(kernel, name)
    head = backup.read_header(path)
    if head.get("module") != name:
        raise DomainError(_("%(path)s is not a backup of module %(name)s.", path=path, name=name),
                          field="path")
    state = _state(session, name)
    if state.installed:
        raise DomainError(_("Module %(name)s is installed; uninstall it before restoring a backup.",
                            name=name), field="name")
    missing = missing_dependencies(kernel, session, name)
    if missing:
        raise DomainError(
            _("Module %(name)s needs %(deps)s enabled first.", name=name, deps=", ".join(missing)),
            field="name",
        )
    conn = session.connection()
    migrate.upgrade_on(conn, kernel.registry, name)
    tables = plugin_tables(kernel, name)
    for table in tables:  # a plugin without migrations
        table.create(conn, checkfirst=True)
    count = backup.restore_tables(conn, tables, path)
    state.installed, state.installed_version = True, plugin.manifest.version
    session.flush()
    enable(kernel, session, name)
    security_log.record(session, "module_changed", current(session),
                        f"restored {name} from {path} ({count} rows)")
    return count


def plugin_tables(kernel, name: str):
    """The plugin's tables, referenced tables first."""
    plugin = kernel.registry.plugins[name]
    owned = {m.__table__ for m in plugin.contributions.get("huiwu_models", [])}
    return [t for t in metadata.sorted_tables if t in owned]
