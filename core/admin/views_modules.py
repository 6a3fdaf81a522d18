"""The module manager: every discovered plugin, its state, and switching it.

Enabling and disabling run in the request's own session and are committed
with it: on SQLite a second session would wait for this one's write lock.
Uninstalling takes a backup in a session of its own, so the request's
session is committed and closed first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, flash, g, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.admin.base import SecureView
from core.errors import DomainError
from core.registry import switching
from core.registry.models import ModuleState
from core.registry.uninstall import plugin_tables, uninstall_with_backup
from core.security import log as security_log
from core.security.principal import act_as
from core.web.i18n import chosen_locale

SYSTEM = _l("System")

STATE_LABELS = {
    "enabled": _l("Enabled"),
    "disabled": _l("Disabled"),
    "not_installed": _l("Not installed"),
    "broken": _l("Broken"),
}


@dataclass
class ModuleRow:
    name: str
    title: str
    description: str
    version: str
    state: str
    reason: str = ""
    application: bool = True
    installed_version: str | None = None
    depends: list = field(default_factory=list)      # (name, title)
    dependants: list = field(default_factory=list)   # (name, title)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def module_rows(kernel, session, locale: str) -> list[ModuleRow]:
    """Loadable plugins in dependency order, then the broken ones."""
    registry = kernel.registry
    enabled = registry.enabled(session)
    states = {s.name: s for s in session.execute(
        select(ModuleState).execution_options(huiwu_system=True)).scalars()}

    def title(name: str) -> str:
        plugin = registry.plugins.get(name)
        return plugin.manifest.title_for(locale) if plugin and plugin.manifest else name

    rows = []
    for plugin in registry.loaded + registry.broken:
        manifest, state = plugin.manifest, states.get(plugin.name)
        if not plugin.ok:
            status = "broken"
        elif plugin.name in enabled:
            status = "enabled"
        elif state is not None and state.installed:
            status = "disabled"
        else:
            status = "not_installed"
        dependants = sorted(p.name for p in registry.loaded if plugin.name in p.depends)
        rows.append(ModuleRow(
            name=plugin.name,
            title=title(plugin.name),
            description=manifest.description_for(locale) if manifest else "",
            version=manifest.version if manifest else "",
            state=status,
            reason=plugin.error or "",
            application=manifest.application if manifest else True,
            installed_version=state.installed_version if state else None,
            depends=[(d, title(d)) for d in plugin.depends],
            dependants=[(d, title(d)) for d in dependants],
        ))
    return rows


class ModulesView(SecureView):
    required_permission = "core.module.read"

    @property
    def kernel(self):
        return current_app.extensions["huiwu"]

    def _row(self, name: str) -> ModuleRow:
        for row in module_rows(self.kernel, self.kernel.session(), chosen_locale()):
            if row.name == name:
                return row
        raise DomainError(_("There is no module named %(name)s.", name=name))

    def _titles(self, names) -> str:
        locale = chosen_locale()
        plugins = self.kernel.registry.plugins
        return "、".join(plugins[n].manifest.title_for(locale) if n in plugins and plugins[n].manifest else n
                        for n in names)

    @expose("/")
    def index(self):
        rows = module_rows(self.kernel, self.kernel.session(), chosen_locale())
        return self.render("huiwu/admin/modules.html", rows=rows,
                           can_manage=self.may("core.module.manage"))

    @expose("/enable/", methods=("POST",))
    def enable_view(self):
        self.require("core.module.manage")
        kernel, session = self.kernel, self.kernel.session()
        name = request.form.get("name", "")
        with_dependencies = request.form.get("with_dependencies") == "1"
        try:
            row = self._row(name)
            missing = switching.missing_dependencies(kernel, session, name)
            if missing and not with_dependencies:
                return self.render("huiwu/admin/module_enable.html", row=row,
                                   missing=[(m, self._titles([m])) for m in missing])
            switched = switching.enable(kernel, session, name, with_dependencies=with_dependencies)
            session.commit()
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            if switched:
                flash(_("Enabled: %(modules)s.", modules=self._titles(switched)), "success")
        return redirect(self.get_url(".index"))

    @expose("/disable/", methods=("POST",))
    def disable_view(self):
        self.require("core.module.manage")
        kernel, session = self.kernel, self.kernel.session()
        name = request.form.get("name", "")
        try:
            self._row(name)
            dependants = switching.enabled_dependants(kernel, session, name)
            if dependants:
                raise DomainError(_("%(module)s cannot be disabled while %(others)s depend on it; "
                                    "disable those first.", module=self._titles([name]),
                                    others=self._titles(dependants)))
            switching.disable(kernel, session, name)
            session.commit()
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
        else:
            flash(_("Disabled: %(modules)s. Its data is kept; enable it again to get everything back.",
                    modules=self._titles([name])), "success")
        return redirect(self.get_url(".index"))

    @expose("/uninstall/", methods=("GET", "POST"))
    def uninstall_view(self):
        self.require("core.module.manage")
        kernel, session = self.kernel, self.kernel.session()
        name = request.values.get("name", "")
        try:
            row = self._row(name)
            self._check_uninstallable(row)
        except DomainError as exc:
            flash(str(exc.message), "error")
            return redirect(self.get_url(".index"))
        tables = [t.name for t in plugin_tables(kernel, name)]
        if request.method == "GET" or request.form.get("confirm_name", "").strip() != name:
            error = _("Type the module's technical name to confirm.") if request.method == "POST" else None
            return self.render("huiwu/admin/module_uninstall.html", row=row, tables=tables, error=error)
        session.commit()
        kernel.session.remove()
        backup = uninstall_with_backup(kernel, name)
        session = kernel.session()
        act_as(session, g.principal)
        security_log.record(session, "module_changed", g.principal,
                            f"uninstall of {name} confirmed; backup {backup}", ip=request.remote_addr)
        session.commit()
        flash(_("%(module)s was uninstalled; its tables were dropped. A backup was written to %(path)s.",
                module=row.title, path=str(backup)), "success")
        return redirect(self.get_url(".index"))

    def _check_uninstallable(self, row: ModuleRow) -> None:
        if row.state in ("not_installed", "broken"):
            raise DomainError(_("%(module)s is not installed.", module=row.title))
        session = self.kernel.session()
        installed = {s.name for s in session.execute(
            select(ModuleState).where(ModuleState.installed.is_(True)).execution_options(huiwu_system=True)
        ).scalars()}
        needing = [d for d in switching.order_of(self.kernel, self.kernel.registry.dependants(row.name))
                   if d in installed]
        if needing:
            raise DomainError(_("%(module)s cannot be uninstalled while %(others)s, which need it, "
                                "are installed; uninstall those first.", module=row.title,
                                others=self._titles(needing)))


def views(session) -> list:
    return [ModulesView(name=_l("Modules"), category=SYSTEM, endpoint="core_modules", url="/admin/modules")]
