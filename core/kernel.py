"""The kernel object: settings, database, registry, bus and what plugins declared.

It exists without Flask, so the command line, workers and tests use the
same wiring as the web application.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import replace

import core.models  # noqa: F401  (every kernel table on the metadata)
from core.audit import listener as audit_listener
from core.config import Settings
from core.db.session import check_reachable, make_engine, make_session_factory
from core.db.types import keyring
from core.events import dispatch as outbox_dispatch
from core.events import outbox
from core.events.bus import EVENT_TARGET_PREFIX, EventBus
from core.notify import setup as notify_setup
from core.registry.registry import Registry
from core.security import record_rules
from core.security.kernel_permissions import KERNEL_PERMISSIONS, KERNEL_RECORD_RULES, KERNEL_ROLES
from core.security.permissions import Permission, RoleSpec
from core.security.principal import SYSTEM, act_as
from core.services import attachments, scheduler
from core.services import settings as settings_service
from core.services.declarations import KERNEL_JOBS, KERNEL_SETTINGS

log = logging.getLogger(__name__)

#: The kernel process-wide, for places that cannot be handed one (RQ jobs).
current: Kernel | None = None


class Kernel:
    def __init__(self, settings: Settings | None = None, registry: Registry | None = None,
                 check_database: bool = True):
        global current
        self.settings = settings or Settings.from_env()
        self.settings.ensure_secrets()
        keyring.configure(self.settings.data_key)
        self.engine = make_engine(self.settings.database_url)
        if check_database:
            check_reachable(self.engine)
        self.session_class, self.session = make_session_factory(self.engine, self)
        self.registry = registry if registry is not None else Registry()
        self.bus = EventBus(self.registry)
        self.outbox_targets: dict[str, tuple[str | None, object]] = {}
        self._collect()
        notify_setup.install(self)
        record_rules.install(self.session_class, self)
        audit_listener.install(self.session_class)
        outbox.install(self.session_class, self)
        attachments.install(self.session_class, self)
        self._redis = None
        current = self

    # -- what plugins declared ---------------------------------------------

    def _collect(self) -> None:
        reg = self.registry
        self.permissions: dict[str, Permission] = {p.id: p for p in KERNEL_PERMISSIONS}
        self.permission_plugin: dict[str, str | None] = {p.id: None for p in KERNEL_PERMISSIONS}
        # prefixes and roles' permissions were checked by the registry, which refuses the culprit
        for plugin, perm in reg.contributions("huiwu_permissions"):
            self.permissions[perm.id] = perm
            self.permission_plugin[perm.id] = plugin
        self.role_specs: list[tuple[str | None, RoleSpec]] = [(None, r) for r in KERNEL_ROLES]
        self.role_specs += reg.contributions("huiwu_default_roles")
        self.record_rules = list(KERNEL_RECORD_RULES) + [
            rule if rule.plugin == plugin else _with_plugin(rule, plugin)
            for plugin, rule in reg.contributions("huiwu_record_rules")
        ]
        for plugin, ev in reg.contributions("huiwu_events"):
            self.bus.declare(_with_plugin(ev, plugin))
        for plugin, handler in reg.contributions("huiwu_event_handlers"):
            self.bus.connect(_with_plugin(handler, plugin))
        self.setting_specs = settings_service.collect(reg, KERNEL_SETTINGS)
        self.jobs = scheduler.collect(reg, KERNEL_JOBS)

    def add_outbox_target(self, name: str, func, plugin: str | None = None) -> None:
        self.outbox_targets[name] = (plugin, func)

    def outbox_target(self, name: str, session):
        """The function delivering outbox messages of ``name``; None when its plugin is off."""
        if name.startswith(EVENT_TARGET_PREFIX):
            return self.bus.delivery_target(name, session)
        plugin, func = self.outbox_targets.get(name, (None, None))
        if func is None:
            raise LookupError(f"no outbox target {name!r} is installed")
        return func if self.registry.is_enabled(session, plugin) else None

    # -- sessions ---------------------------------------------------------

    @contextmanager
    def system_session(self):
        """A fresh session acting as the system (CLI, workers, delivery)."""
        session = self.session.session_factory()
        act_as(session, SYSTEM)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- background delivery -------------------------------------------------

    @property
    def redis(self):
        if self._redis is None and self.settings.redis_url:
            import redis

            self._redis = redis.Redis.from_url(self.settings.redis_url)
        return self._redis

    def dispatch_outbox(self, message_ids: list[int]) -> None:
        """After commit: to RQ when Redis is configured, else delivered inline."""
        outbox_dispatch.dispatch(self, message_ids)

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def _with_plugin(item, plugin):
    return replace(item, plugin=plugin) if getattr(item, "plugin", None) != plugin else item
