"""Every way the kernel asks plugins for something, in one file.

A plugin answers a hook by defining a function of the same name decorated
with ``core.hookimpl``. The kernel calls most hooks once per plugin at
start-up and keeps what each plugin returned under that plugin's name, so
that everything a plugin contributed disappears when the plugin is disabled.
Hooks ask (``huiwu_<noun>[_<verb>]``) and return; to tell other plugins what
happened, emit an event instead (``core.events``).

An implementation may take any subset of the spec's arguments. A misspelt
hook name, a ``huiwu_*`` function without ``@hookimpl``, or a hook that
raises at start-up refuses that plugin (``huiwu modules list`` says why);
the other plugins load.
"""
from __future__ import annotations

import pluggy

PROJECT = "huiwu"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --------------------------------------------------------------------------
# Extending the extension surface
# --------------------------------------------------------------------------

@hookspec
def huiwu_add_hookspecs(pm: pluggy.PluginManager) -> None:
    """Publish hook specifications of your own for other plugins to answer.

    Called once per plugin at start-up, for every plugin before any is
    registered, so an implementation is checked against your spec whatever
    the order. Call ``pm.add_hookspecs(module_or_class)`` with functions
    decorated by ``core.hookspecs.hookspec`` (names start with ``huiwu_``).
    Ask the enabled plugins with ``kernel.registry.ask(session, name, ...)``.
    A plugin answering a hook of a plugin it does not depend on marks its
    implementation ``@hookimpl(optionalhook=True)``, so it still loads when
    the publisher is absent. Example: finance publishes
    ``huiwu_project_costs`` and resources answers it.
    """


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

@hookspec
def huiwu_models() -> list[type]:
    """Return the SQLAlchemy model classes this plugin owns.

    Called at start-up. Their tables (named ``<plugin>_<thing>``; another
    name refuses the plugin) are the plugin's: created by its migrations,
    kept when it is disabled, dropped only by an explicit uninstall, which
    backs them up first.
    """


@hookspec
def huiwu_install(session) -> None:
    """Seed the plugin's defaults the first time it is enabled.

    Called inside the enabling transaction, after the plugin's migrations
    ran, when the module is enabled for the first time (or again after an
    uninstall; not when it is restored from a backup). Raising cancels the
    enabling: a ``DomainError`` is shown as is, anything else as an error
    naming the module.
    """


@hookspec
def huiwu_uninstall(session) -> None:
    """Clean up what lives outside the plugin's own tables before they are dropped.

    Called inside the uninstall transaction, after the backup was taken.
    """


@hookspec
def huiwu_demo_data(session, scale: str, progress) -> None:
    """Create demo data; ``scale`` is ``"small"`` or ``"large"``.

    Called by ``huiwu demo`` and ``huiwu init --demo`` for enabled plugins
    in dependency order, so a plugin finds the demo rows of the plugins it
    depends on; each plugin in a transaction of its own, committed after
    the hook returns. ``progress(done, total, label)`` draws the progress
    bar of long work. Return early when your demo rows exist already, so a
    second run adds nothing. Demo data should read like a real Chinese
    agency's.
    """


@hookspec
def huiwu_analytics_datasets() -> list:
    """Return ``core.analytics.Dataset`` objects other plugins may analyse.

    Each names a query returning rows; analytics builds models and
    dashboards on them without importing the plugin that publishes them.
    """


# --------------------------------------------------------------------------
# Security
# --------------------------------------------------------------------------

@hookspec
def huiwu_permissions() -> list:
    """Return the ``core.security.Permission`` objects this plugin declares.

    Called at start-up. Ids read ``<plugin>.<object>.<action>`` and must
    start with the plugin's own name; a role naming a permission nobody
    declared refuses the plugin that declares the role.
    """


@hookspec
def huiwu_default_roles() -> list:
    """Return ``core.security.RoleSpec`` objects: roles and the permissions they get.

    Several plugins may extend the same role name; the permissions are
    united. Synchronised into the database when the plugin is enabled
    (and by ``huiwu init``); permissions are added, never taken away, so an
    administrator's changes to a role survive.
    """


@hookspec
def huiwu_record_rules() -> list:
    """Return ``core.security.RecordRule`` objects limiting which rows a user sees.

    Enforced for every ORM query of the session: admin, API, portal,
    exports, counts, get-by-id and relation loads alike.
    """


# --------------------------------------------------------------------------
# Surfaces: admin, API, portal, command line
# --------------------------------------------------------------------------

@hookspec
def huiwu_admin_views(session) -> list:
    """Return Flask-Admin views built on ``session`` (the kernel's scoped
    session): subclasses of ``core.admin.SecureModelView`` or
    ``core.admin.SecureView``, with their ``category`` set for the menu.

    Registered at start-up; hidden and answering 404 while the plugin is
    disabled.
    """


@hookspec
def huiwu_api_blueprints() -> list:
    """Return flask-smorest ``Blueprint`` objects, mounted at ``/api/v1/<url_prefix>``.

    Registered at start-up (and listed in ``/api/v1/openapi.json``);
    answering 404 while the plugin is disabled.
    """


@hookspec
def huiwu_portal_pages() -> list:
    """Return ``core.portal.PortalPage`` objects: a Flask blueprint and its menu entry.

    Mounted under ``/portal``; only logged-in portal users reach them.
    """


@hookspec
def huiwu_cli_commands() -> list:
    """Return click commands, added to the ``huiwu`` command under the plugin's name.

    ``huiwu <plugin> <command>`` runs only while the plugin is enabled;
    decorate a command with ``core.cli.pass_kernel`` to receive the kernel.
    """


# --------------------------------------------------------------------------
# Behaviour
# --------------------------------------------------------------------------

@hookspec
def huiwu_events() -> list:
    """Return the ``core.events.EventType`` objects this plugin emits (its contract).

    Names read ``<plugin>.<past_tense>``; emit with ``core.events.emit(session, name, **payload)``.
    """


@hookspec
def huiwu_event_handlers() -> list:
    """Return ``core.events.Handler`` objects: which event, which function, which delivery.

    In-transaction handlers run inside the emitter's transaction and may
    veto by raising a ``DomainError``; after-commit handlers run from the
    outbox once the transaction committed, and are retried until delivered.
    A disabled plugin's handlers never run.
    """


@hookspec
def huiwu_settings() -> list:
    """Return ``core.services.settings.SettingSpec`` objects: typed settings with defaults.

    Called once at start-up; keys read ``<plugin>.<name>``. Administrators
    edit them on the Settings page (shown while the plugin is enabled);
    ``core.services.settings.get(session, key)`` reads them, returning the
    default until a value is set.
    """


@hookspec
def huiwu_scheduled_jobs() -> list:
    """Return ``core.services.scheduler.Job`` objects: a name, a cron expression, a function.

    Called once at start-up; names read ``<plugin>.<job>``, cron expressions
    are read in the company's time zone. ``func(session)`` runs with a system
    session and is committed after it; at most one run of a job at a time
    across all processes; each run is logged; jobs of a disabled plugin do
    not run.
    """
