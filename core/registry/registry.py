"""The registry: which plugins exist, in what order, and what each contributed.

All loadable plugins are registered with pluggy at start-up, enabled or
not, so that their routes and views exist in every worker process; whether
they answer is decided per transaction from the ``core_module`` table. That
is what lets a module be switched on or off live, in every process at once.
"""
from __future__ import annotations

import logging

import pluggy
from sqlalchemy import select

from core import hookspecs
from core.registry.discovery import Plugin, discover
from core.registry.models import ModuleState
from core.registry.ordering import dependants_of, dependencies_of, order_by_dependencies

log = logging.getLogger(__name__)

#: Hooks whose answers are collected once at start-up, per plugin.
STATIC_HOOKS = (
    "huiwu_models",
    "huiwu_permissions",
    "huiwu_default_roles",
    "huiwu_record_rules",
    "huiwu_events",
    "huiwu_event_handlers",
    "huiwu_settings",
    "huiwu_scheduled_jobs",
    "huiwu_analytics_datasets",
    "huiwu_cli_commands",
)

ENABLED_CACHE_KEY = "huiwu.enabled_modules"
_ENABLED_NAMES = select(ModuleState.__table__.c.name).where(ModuleState.__table__.c.enabled.is_(True))


class Registry:
    def __init__(self, plugins: dict[str, Plugin] | None = None):
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = plugins if plugins is not None else discover()
        self.order: list[str] = []
        self._load()

    # -- start-up ---------------------------------------------------------

    def _load(self) -> None:
        depends = {n: p.depends for n, p in self.plugins.items() if p.ok}
        order, refused = order_by_dependencies(depends)
        for name, reason in refused.items():
            self._refuse(name, reason)
        self.pm.hook.huiwu_add_hookspecs.call_historic(kwargs={"pm": self.pm})
        for name in order:
            plugin = self.plugins[name]
            try:
                self.pm.register(plugin.module, name=name)
            except Exception as exc:
                self._refuse(name, f"{type(exc).__name__}: {exc}")
        self._check_hook_names()
        self.order = [n for n in order if self.plugins[n].ok]
        for name in list(self.order):
            self._collect(self.plugins[name])
        self.order = [n for n in self.order if self.plugins[n].ok]
        # dependants of a plugin refused late are refused too
        for name in list(self.order):
            bad = [d for d in self.plugins[name].depends if not self.plugins[d].ok]
            if bad:
                self._refuse(name, f"depends on {bad[0]!r}, which cannot be loaded")
        self.order = [n for n in self.order if self.plugins[n].ok]

    def _check_hook_names(self) -> None:
        """A hook implementation with no spec is a misspelling: refuse that plugin."""
        for name, plugin in list(self.plugins.items()):
            if not plugin.ok or not self.pm.is_registered(plugin.module):
                continue
            for caller in self.pm.get_hookcallers(plugin.module) or []:
                if not caller.has_spec():
                    self._refuse(name, f"implements unknown hook {caller.name!r}")
                    break

    def _collect(self, plugin: Plugin) -> None:
        try:
            for hook_name in STATIC_HOOKS:
                impl = getattr(plugin.module, hook_name, None)
                plugin.contributions[hook_name] = list(impl() or []) if impl else []
        except Exception as exc:
            self._refuse(plugin.name, f"{type(exc).__name__} in {hook_name}: {exc}")

    def _refuse(self, name: str, reason: str) -> None:
        plugin = self.plugins[name]
        plugin.error = plugin.error or reason
        log.error("plugin %s refused: %s", name, reason)
        if plugin.module is not None and self.pm.is_registered(plugin.module):
            self.pm.unregister(plugin.module)

    # -- reading ------------------------------------------------------------

    @property
    def loaded(self) -> list[Plugin]:
        """Loadable plugins in dependency order."""
        return [self.plugins[n] for n in self.order]

    @property
    def broken(self) -> list[Plugin]:
        return [p for n, p in sorted(self.plugins.items()) if not p.ok]

    def depends_map(self) -> dict[str, tuple[str, ...]]:
        return {p.name: p.depends for p in self.loaded}

    def dependants(self, name: str) -> set[str]:
        return dependants_of(name, self.depends_map())

    def dependencies(self, name: str) -> set[str]:
        return dependencies_of(name, self.depends_map())

    def contributions(self, hook_name: str) -> list[tuple[str, object]]:
        """(plugin name, item) for every item every loaded plugin returned from a static hook."""
        return [
            (p.name, item) for p in self.loaded for item in p.contributions.get(hook_name, [])
        ]

    def call(self, hook_name: str, only: set[str] | None = None, **kwargs) -> dict[str, object]:
        """Call a hook plugin by plugin, in dependency order; {plugin: answer}."""
        answers = {}
        for plugin in self.loaded:
            if only is not None and plugin.name not in only:
                continue
            impl = getattr(plugin.module, hook_name, None)
            if impl is not None:
                answers[plugin.name] = impl(**kwargs)
        return answers

    def plugin_of_module(self, module_name: str) -> str | None:
        """The plugin whose package holds ``module_name`` (for attributing routes and views)."""
        for plugin in self.loaded:
            root = plugin.module.__name__
            if module_name == root or module_name.startswith(root + "."):
                return plugin.name
        return None

    # -- state --------------------------------------------------------------

    def enabled(self, session) -> frozenset[str]:
        """Names of enabled plugins as this transaction sees them (read once per transaction)."""
        cached = session.info.get(ENABLED_CACHE_KEY)
        if cached is None:
            # On the session's connection, past the ORM: this runs on every request.
            rows = session.connection().execute(_ENABLED_NAMES).scalars()
            cached = frozenset(n for n in rows if n in self.plugins and self.plugins[n].ok)
            session.info[ENABLED_CACHE_KEY] = cached
        return cached

    def is_enabled(self, session, name: str | None) -> bool:
        """True for the kernel (``None``) and for enabled plugins."""
        return name is None or name in self.enabled(session)

    @staticmethod
    def forget_state(session) -> None:
        session.info.pop(ENABLED_CACHE_KEY, None)
        session.info.pop("huiwu.rule_criteria", None)
