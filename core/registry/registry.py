"""The registry: which plugins exist, in what order, and what each contributed.

All loadable plugins are registered with pluggy at start-up, enabled or
not, so that their routes and views exist in every worker process; whether
they answer is decided per transaction from the ``core_module`` table. That
is what lets a module be switched on or off live, in every process at once.

Start-up is strict with each plugin and lenient with the system: a plugin
that cannot be imported, has a bad manifest, a missing or cyclic
dependency, a misspelt hook, a hook that raises or a declaration outside
its own prefix is refused with a reason naming it (``Registry.broken``,
``huiwu modules list``), and so are the plugins that depend on it; the
others load.
"""
from __future__ import annotations

import difflib
import inspect
import logging
from contextlib import contextmanager

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from core import hookspecs
from core.db.session import connection_of, keep_for_transaction, kept_for_transaction
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

#: Declarations whose id must start with ``<plugin>.``: hook -> attribute holding the id.
PREFIXED_IDS = {
    "huiwu_permissions": "id",
    "huiwu_events": "name",
    "huiwu_settings": "key",
    "huiwu_scheduled_jobs": "name",
    "huiwu_analytics_datasets": "name",
}

ENABLED_CACHE_KEY = "huiwu.enabled_modules"
_ENABLED_NAMES = select(ModuleState.__table__.c.name).where(ModuleState.__table__.c.enabled.is_(True))


class Registry:
    def __init__(self, plugins: dict[str, Plugin] | None = None):
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = plugins if plugins is not None else discover()
        self.order: list[str] = []
        #: (change epoch, names of the enabled modules then): see ``note_epoch``
        self._enabled_at: tuple[object, frozenset[str]] | None = None
        self._load()

    # -- start-up ---------------------------------------------------------

    def _load(self) -> None:
        depends = {n: p.depends for n, p in self.plugins.items() if p.ok}
        self.order, refused = order_by_dependencies(depends)
        for name, reason in refused.items():
            self.refuse(name, reason)
        # Specs first, from every plugin, so an implementation of another
        # plugin's hook is checked whatever the order of registration.
        for plugin in self.loaded:
            self._add_hookspecs(plugin)
        for plugin in self.loaded:
            if not plugin.ok:  # refused as a dependant of one refused just before
                continue
            try:
                self.pm.register(plugin.module, name=plugin.name)
            except Exception as exc:  # noqa: BLE001 - refused, named, the rest loads
                self.refuse(plugin.name, f"{type(exc).__name__}: {exc}")
        for plugin in self.loaded:
            self._check_hook_names(plugin)
        for plugin in self.loaded:
            self._collect(plugin)
        self._check_declarations()

    def _add_hookspecs(self, plugin: Plugin) -> None:
        if not plugin.ok:
            return
        impl = self._marked(plugin.module, "huiwu_add_hookspecs")
        if impl is None:
            return
        try:
            impl(pm=self.pm)
        except Exception as exc:  # noqa: BLE001 - refused, named, the rest loads
            self.refuse(plugin.name, f"{type(exc).__name__} in huiwu_add_hookspecs: {exc}")

    def _marked(self, module, name: str):
        """``module.<name>`` when it is decorated with ``@hookimpl``, else None."""
        func = getattr(module, name, None)
        if func is None or self.pm.parse_hookimpl_opts(module, name) is None:
            return None
        return func

    def _check_hook_names(self, plugin: Plugin) -> None:
        """A misspelt or undecorated hook implementation refuses its plugin, loudly."""
        if not plugin.ok:
            return
        known = sorted(n for n in vars(self.pm.hook) if not n.startswith("_"))
        for caller in self.pm.get_hookcallers(plugin.module) or []:
            if caller.has_spec():
                continue
            impls = [i for i in caller.get_hookimpls() if i.plugin is plugin.module]
            if any(not i.optionalhook for i in impls):
                near = difflib.get_close_matches(caller.name, [n for n in known if n != caller.name], 1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                self.refuse(plugin.name, f"implements unknown hook {caller.name!r}{hint}")
                return
        for name, value in vars(plugin.module).items():
            if (name.startswith(hookspecs.PROJECT + "_") and inspect.isfunction(value)
                    and not hasattr(value, hookspecs.PROJECT + "_impl")
                    and not hasattr(value, hookspecs.PROJECT + "_spec")):
                self.refuse(plugin.name, f"{name} is not decorated with @hookimpl")
                return

    def _collect(self, plugin: Plugin) -> None:
        if not plugin.ok:
            return
        for hook_name in STATIC_HOOKS:
            impl = self._marked(plugin.module, hook_name)
            try:
                answer = impl() if impl is not None else None
                plugin.contributions[hook_name] = list(answer or [])
            except Exception as exc:  # noqa: BLE001 - refused, named, the rest loads
                self.refuse(plugin.name, f"{type(exc).__name__} in {hook_name}: {exc}")
                return

    def _check_declarations(self) -> None:
        """Tables and ids carry the plugin's prefix; roles name declared permissions."""
        from core.security.kernel_permissions import KERNEL_PERMISSIONS

        for plugin in self.loaded:
            reason = _prefix_problem(plugin) if plugin.ok else None
            if reason:
                self.refuse(plugin.name, reason)
        declared = {p.id for p in KERNEL_PERMISSIONS}
        for plugin in self.loaded:
            declared |= {p.id for p in plugin.contributions.get("huiwu_permissions", [])}
        for plugin in self.loaded:
            if not plugin.ok:
                continue
            for role in plugin.contributions.get("huiwu_default_roles", []):
                unknown = sorted(set(role.permissions) - declared)
                if unknown:
                    self.refuse(plugin.name, f"role {role.name!r} names undeclared permissions "
                                             f"{', '.join(unknown)}")
                    break

    def refuse(self, name: str, reason: str) -> None:
        """Take ``name`` (and every plugin needing it) out of the system, saying why."""
        plugin = self.plugins[name]
        self._enabled_at = None  # the names it holds were filtered with this plugin still usable
        if plugin.error is None:
            plugin.error = reason
            log.error("plugin %s refused: %s", name, reason)
        if plugin.module is not None and self.pm.is_registered(plugin.module):
            self.pm.unregister(plugin.module)
        if name in self.order:
            self.order.remove(name)
        for other in list(self.order):
            if name in self.plugins[other].depends:
                self.refuse(other, f"depends on {name!r}, which cannot be loaded")

    @contextmanager
    def guarded(self, name: str, what: str):
        """Refuse plugin ``name`` instead of failing when the block raises (start-up wiring)."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - refused, named, the rest loads
            self.refuse(name, f"{type(exc).__name__} in {what}: {exc}")

    # -- reading ------------------------------------------------------------

    @property
    def loaded(self) -> list[Plugin]:
        """Loadable plugins in dependency order."""
        return [self.plugins[n] for n in self.order if self.plugins[n].ok]

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

    def _impls(self, hook_name: str) -> dict[str, pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hook_name, None)
        return {i.plugin_name: i for i in caller.get_hookimpls()} if caller else {}

    def implementation(self, name: str, hook_name: str):
        """Plugin ``name``'s implementation of ``hook_name`` as ``f(**kwargs)``, or None.

        The implementation may take any subset of the spec's arguments;
        the others are left out of the call.
        """
        impl = self._impls(hook_name).get(name)
        if impl is None or not self.plugins[name].ok:
            return None
        return lambda **kwargs: impl.function(**{a: kwargs[a] for a in impl.argnames})

    def call(self, hook_name: str, only: set[str] | None = None, **kwargs) -> dict[str, object]:
        """Call a start-up hook plugin by plugin, in dependency order; {plugin: answer}.

        An implementation takes any subset of the spec's arguments. A plugin
        whose implementation raises is refused (with its dependants) and left
        out of the answer, so one broken plugin does not stop the start-up.
        """
        answers = {}
        impls = self._impls(hook_name)
        for plugin in self.loaded:
            impl = impls.get(plugin.name)
            if impl is None or (only is not None and plugin.name not in only):
                continue
            with self.guarded(plugin.name, hook_name):
                answers[plugin.name] = impl.function(**{a: kwargs[a] for a in impl.argnames})
        return {n: a for n, a in answers.items() if self.plugins[n].ok}

    def ask(self, session, hook_name: str, **kwargs) -> dict[str, object]:
        """Ask every *enabled* plugin implementing ``hook_name``; {plugin: answer}.

        For hooks that plugins publish for each other (``huiwu_add_hookspecs``):
        ``session`` is passed to implementations that take it, the answers
        come in dependency order, and exceptions propagate to the caller,
        inside its transaction.
        """
        kwargs = {"session": session, **kwargs}
        enabled = self.enabled(session)
        impls = self._impls(hook_name)
        return {
            p.name: impls[p.name].function(**{a: kwargs[a] for a in impls[p.name].argnames})
            for p in self.loaded if p.name in impls and p.name in enabled
        }

    def plugin_of_module(self, module_name: str) -> str | None:
        """The plugin whose package holds ``module_name`` (for attributing routes and views)."""
        for plugin in self.loaded:
            root = plugin.module.__name__
            if module_name == root or module_name.startswith(root + "."):
                return plugin.name
        return None

    # -- state --------------------------------------------------------------

    def enabled(self, session) -> frozenset[str]:
        """Names of enabled plugins as this transaction sees them (read once per transaction).

        A new transaction reads again, so a long-lived session (a worker's)
        sees a module switched on or off by another process.
        """
        if isinstance(session, scoped_session):
            session = session()
        names = kept_for_transaction(session, ENABLED_CACHE_KEY)
        if names is not None:
            return names
        # On the session's connection, past the ORM: this runs on every request.
        names = self._usable(connection_of(session).execute(_ENABLED_NAMES).scalars())
        keep_for_transaction(session, ENABLED_CACHE_KEY, names)
        return names

    def remember_enabled(self, session, rows, epoch=None) -> None:
        """Take the names of the enabled plugins from ``rows`` (``_ENABLED_NAMES``'s result, read by
        the caller in this session's transaction, e.g. folded into another query).

        ``epoch``: the change epoch read in the same statement (``core.db.change_epoch``); the
        process then keeps the names for as long as the epoch stays the same.
        """
        names = self._usable(rows)
        keep_for_transaction(session, ENABLED_CACHE_KEY, names)
        if epoch is not None:
            self._enabled_at = (epoch, names)

    def knows_epoch(self) -> bool:
        """True when the process holds the enabled plugins of some change epoch."""
        return self._enabled_at is not None

    def note_epoch(self, session, epoch) -> None:
        """The change epoch this transaction read: the names the process holds serve it when they
        were read at that epoch; otherwise they are dropped, and read again."""
        held = self._enabled_at
        if held is not None and held[0] == epoch:
            keep_for_transaction(session, ENABLED_CACHE_KEY, held[1])
        else:
            self._enabled_at = None

    def _usable(self, names) -> frozenset[str]:
        plugins = self.plugins
        return frozenset(n for n in names if n in plugins and plugins[n].ok)

    def knows_enabled(self, session) -> bool:
        """True when this transaction's enabled plugins are already read."""
        return kept_for_transaction(session, ENABLED_CACHE_KEY) is not None

    def is_enabled(self, session, name: str | None) -> bool:
        """True for the kernel (``None``) and for enabled plugins."""
        return name is None or name in self.enabled(session)

    @staticmethod
    def forget_state(session) -> None:
        session.info.pop(ENABLED_CACHE_KEY, None)
        session.info.pop("huiwu.rule_criteria", None)


def _prefix_problem(plugin: Plugin) -> str | None:
    for model in plugin.contributions.get("huiwu_models", []):
        table = getattr(getattr(model, "__table__", None), "name", None)
        if table is None:
            return f"huiwu_models returned {model!r}, which is not a mapped class"
        if not table.startswith(plugin.name + "_"):
            return f"model {model.__name__} has table {table!r}; tables must start with {plugin.name + '_'!r}"
    for hook_name, attr in PREFIXED_IDS.items():
        for item in plugin.contributions.get(hook_name, []):
            ident = getattr(item, attr, None)
            if not isinstance(ident, str) or not ident.startswith(plugin.name + "."):
                return f"{hook_name} declares {ident!r}, outside the prefix {plugin.name + '.'!r}"
    return None
