"""The ``huiwu`` command: set up, run, switch modules, manage users, migrate, work.

Configuration errors print one line and exit 2, refusals (a ``DomainError``)
one line and exit 1; never a traceback. Output speaks ``HUIWU_LOCALE``.
Plugins add command groups through ``huiwu_cli_commands``; a group of a
disabled module refuses to run.
"""
from __future__ import annotations

import functools
import sys
from contextlib import contextmanager

import click
from flask import Flask
from flask_babel import Babel
from flask_babel import gettext as _
from sqlalchemy import inspect, select

from core.config import ConfigError, Settings
from core.errors import DomainError


class Context:
    """What every command shares: the settings and, once asked for, the kernel."""

    def __init__(self):
        self._settings = None
        self._kernel = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def kernel(self):
        if self._kernel is None:
            from core.kernel import Kernel

            self._kernel = Kernel(self.settings, registry=_registry())
            click.get_current_context().call_on_close(self._kernel.dispose)
        return self._kernel

    def initialised_kernel(self):
        """The kernel, refusing in one line when ``huiwu init`` never ran on this database."""
        kernel = self.kernel
        if not inspect(kernel.engine).has_table("core_module"):
            raise ConfigError(_("The database %(url)s is not initialised; run `huiwu init` first "
                                "(or check HUIWU_DATABASE_URL).",
                                url=kernel.engine.url.render_as_string(hide_password=True)))
        return kernel


pass_ctx = click.make_pass_decorator(Context, ensure=True)


def pass_kernel(func):
    """For plugins' commands: ``@pass_kernel def cmd(kernel, ...)`` gets an initialised kernel."""

    @click.pass_context
    def wrapper(ctx, *args, **kwargs):
        return ctx.invoke(func, ctx.ensure_object(Context).initialised_kernel(), *args, **kwargs)

    return functools.update_wrapper(wrapper, func)


@functools.cache
def _registry():
    from core.registry.registry import Registry

    return Registry()


@contextmanager
def _language(settings: Settings | None):
    """An application context whose Babel speaks ``HUIWU_LOCALE``, for messages built by the command."""
    from core.web.i18n import BABEL_LOCALE

    locale = BABEL_LOCALE[settings.locale if settings else "zh_Hans"]
    app = Flask("core")
    dirs = [app.root_path + "/translations"]
    dirs += [str(p.path / "translations") for p in _registry().loaded
             if p.path and (p.path / "translations").is_dir()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    Babel(app, locale_selector=lambda: locale)
    with app.app_context():
        yield


class HuiwuGroup(click.Group):
    """Adds plugins' commands and turns configuration errors and refusals into one line."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(_plugin_commands()))

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or _plugin_commands().get(name)

    def invoke(self, ctx):
        try:
            settings = ctx.ensure_object(Context).settings
        except ConfigError as exc:
            _fail(exc, 2)
        try:
            with _language(settings):
                try:
                    return super().invoke(ctx)
                except ConfigError as exc:
                    _fail(exc, 2)
                except DomainError as exc:
                    _fail(exc.message, 1)
        except ConfigError as exc:  # raised while closing (disposing the kernel)
            _fail(exc, 2)


def _fail(message, code: int):
    click.echo(f"huiwu: {message}", err=True)
    sys.exit(code)


def _only_while_enabled():
    """Callback of a plugin's command group: runs before any of its commands (not for --help)."""
    ctx = click.get_current_context()
    kernel = ctx.ensure_object(Context).initialised_kernel()
    with kernel.system_session() as session:
        if not kernel.registry.is_enabled(session, ctx.command.name):
            raise DomainError(_("Module %(name)s is disabled; enable it with "
                                "`huiwu modules enable %(name)s`.", name=ctx.command.name))


@functools.cache
def _plugin_commands() -> dict:
    groups: dict[str, click.Group] = {}
    for plugin, command in _registry().contributions("huiwu_cli_commands"):
        group = groups.setdefault(plugin, click.Group(plugin, callback=_only_while_enabled,
                                                      help=f"Commands of the {plugin} module."))
        group.add_command(command)
    return groups


@click.group(cls=HuiwuGroup)
def main():
    """Huiwu (会务): the information system of a conference and event agency."""


# -- setting up ------------------------------------------------------------------

@main.command()
@click.option("--demo", is_flag=True, help="Also load demo data (small scale).")
@click.option("--admin-login", default="admin", show_default=True)
@click.option("--admin-password", default=None, help="Default: generated and printed once.")
@pass_ctx
def init(ctx, demo, admin_login, admin_password):
    """Create the database, roles, the first administrator and enable built-in modules."""
    from core.bootstrap import initialise, load_demo
    from core.demo import DEMO_PASSWORD, STAFF

    kernel = ctx.kernel
    created = initialise(kernel, admin_login, admin_password)
    click.echo(_("Database ready: %(url)s", url=kernel.engine.url.render_as_string(hide_password=True)))
    if created["enabled"]:
        click.echo(_("Modules enabled: %(names)s", names=", ".join(created["enabled"])))
    if demo:
        load_demo(kernel, "small", progress=_progress)
        click.echo(_("Demo data loaded; demo staff (e.g. %(login)s) log in with the password %(password)s",
                     login=STAFF[0][0], password=DEMO_PASSWORD))
    if created["admin_password"]:
        path = kernel.settings.instance_path / "admin_password"
        path.unlink(missing_ok=True)
        path.touch(mode=0o600)
        path.write_text(created["admin_password"] + "\n")
        click.echo(_("Administrator: login %(login)s  password %(password)s  (also kept in %(path)s)",
                     login=created["admin_login"], password=created["admin_password"], path=path))
    else:
        click.echo(_("The administrator exists already; `huiwu user passwd %(login)s` sets a new password.",
                     login=admin_login))
    click.echo(_("Start the server with `huiwu run`, then open http://127.0.0.1:5000/admin"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Leave scheduled jobs to `huiwu worker`.")
@pass_ctx
def run(ctx, host, port, no_scheduler):
    """Serve the application (embedded default: one process, jobs included)."""
    from werkzeug.serving import run_simple

    from core.app import create_app

    kernel = ctx.initialised_kernel()
    app = create_app(kernel=kernel)
    if not no_scheduler:
        from core.services.scheduler import start_background_scheduler

        start_background_scheduler(kernel)
    from core.services.worker import start_background_sweeper

    start_background_sweeper(kernel)
    click.echo(_("Huiwu is running: http://%(host)s:%(port)s/admin  (client portal: "
                 "http://%(host)s:%(port)s/portal)", host=host, port=port))
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command()
@click.option("--burst", is_flag=True, help="Deliver what is due, run due jobs, then exit.")
@click.option("--interval", default=5.0, show_default=True)
@pass_ctx
def worker(ctx, burst, interval):
    """Deliver the outbox and run scheduled jobs (RQ on Redis when HUIWU_REDIS_URL is set)."""
    from core.services.worker import run_worker

    run_worker(ctx.initialised_kernel(), burst=burst, interval=interval, echo=click.echo)


@main.command()
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True)
@pass_ctx
def demo(ctx, scale):
    """Load demo data into the enabled modules."""
    from core.bootstrap import load_demo

    load_demo(ctx.initialised_kernel(), scale, progress=_progress)
    click.echo(_("Demo data loaded."))


def _progress(done: int, total: int, label: str = "") -> None:
    """One bar per step on standard error, redrawn in place: ``crm: customers [####....] 120/400``."""
    width = 30
    filled = int(width * done / total) if total else width
    click.echo(f"\r{label:<32} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
               nl=done >= total, err=True)


# -- modules ---------------------------------------------------------------------

@main.group()
def modules():
    """List, enable, disable, uninstall and restore modules."""


@modules.command("list")
@pass_ctx
def modules_list(ctx):
    """Every module found, its state, and why a broken one cannot load."""
    kernel = ctx.initialised_kernel()
    with kernel.system_session() as session:
        enabled = kernel.registry.enabled(session)
    for plugin in kernel.registry.loaded:
        state = _("enabled") if plugin.name in enabled else _("disabled")
        deps = ",".join(plugin.depends) or "-"
        click.echo(f"{plugin.name:<16} {plugin.manifest.version:<8} {state:<9} {deps:<24} "
                   f"{plugin.manifest.title_for(kernel.settings.locale)}")
    for plugin in kernel.registry.broken:
        click.echo(f"{plugin.name:<16} {'?':<8} {_('broken'):<9} {plugin.error}")


@modules.command("enable")
@click.argument("name")
@click.option("--with-dependencies", is_flag=True, help="Also enable what it needs.")
@pass_ctx
def modules_enable(ctx, name, with_dependencies):
    """Enable a module: its tables are created or upgraded, its pages appear."""
    from core.registry import switching

    kernel = ctx.initialised_kernel()
    with kernel.system_session() as session:
        switching._plugin(kernel, name)
        missing = switching.missing_dependencies(kernel, session, name)
        if missing and not with_dependencies:
            raise DomainError(_("Module %(name)s needs %(deps)s enabled first; add --with-dependencies "
                                "to enable them too.", name=name, deps=", ".join(missing)))
        switched = switching.enable(kernel, session, name, with_dependencies)
        session.commit()
    click.echo(_("Enabled: %(names)s", names=", ".join(switched)) if switched
               else _("%(name)s was enabled already.", name=name))


@modules.command("disable")
@click.argument("name")
@pass_ctx
def modules_disable(ctx, name):
    """Disable a module; its data is kept for when it is enabled again."""
    from core.registry import switching

    kernel = ctx.initialised_kernel()
    with kernel.system_session() as session:
        switching.disable(kernel, session, name)
        session.commit()
    click.echo(_("Disabled: %(name)s (its data is kept)", name=name))


@modules.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def modules_uninstall(ctx, name, yes):
    """Drop a module's tables, after a backup."""
    from core.registry.uninstall import uninstall_with_backup

    kernel = ctx.initialised_kernel()
    if not yes:
        click.confirm(_("Drop all tables of %(name)s? A backup is taken first.", name=name), abort=True)
    path = uninstall_with_backup(kernel, name)
    click.echo(_("Uninstalled %(name)s; backup: %(path)s", name=name, path=path))


@modules.command("restore")
@click.argument("name")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False))
@pass_ctx
def modules_restore(ctx, name, backup):
    """Bring an uninstalled module back from the backup its uninstall took."""
    from pathlib import Path

    from core.backup import BackupError
    from core.registry.uninstall import restore_from_backup

    try:
        count = restore_from_backup(ctx.initialised_kernel(), name, Path(backup))
    except BackupError as exc:
        raise DomainError(str(exc)) from None
    click.echo(_("Restored %(name)s: %(count)d rows, module enabled.", name=name, count=count))


# -- users -----------------------------------------------------------------------

@main.group()
def user():
    """Create users, set passwords, assign roles."""


@user.command("create")
@click.argument("login")
@click.option("--name", default=None)
@click.option("--email", default=None)
@click.option("--password", default=None, help="Default: asked for.")
@click.option("--superuser", is_flag=True)
@click.option("--portal", is_flag=True, help="A client who uses the portal only.")
@click.option("--role", "roles", multiple=True)
@pass_ctx
def user_create(ctx, login, name, email, password, superuser, portal, roles):
    """Create a user (staff by default, a client with --portal)."""
    from core.security.users import create_user

    kernel = ctx.initialised_kernel()
    password = password or click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    with kernel.system_session() as session:
        create_user(session, login=login, name=name or login, email=email, password=password,
                    is_superuser=superuser, is_portal=portal, role_names=roles)
        session.commit()
    click.echo(_("User %(login)s created.", login=login))


@user.command("passwd")
@click.argument("login")
@click.option("--password", default=None, help="Default: asked for.")
@pass_ctx
def user_passwd(ctx, login, password):
    """Set a user's password."""
    from core.security.users import set_password

    kernel = ctx.initialised_kernel()
    password = password or click.prompt(_("New password"), hide_input=True, confirmation_prompt=True)
    with kernel.system_session() as session:
        set_password(session, login, password)
        session.commit()
    click.echo(_("Password of %(login)s changed.", login=login))


@user.command("roles")
@click.argument("login")
@click.option("--add", multiple=True, help="Role to give (repeatable).")
@click.option("--remove", multiple=True, help="Role to take away (repeatable).")
@pass_ctx
def user_roles(ctx, login, add, remove):
    """Show a user's roles, adding or removing some first."""
    from core.security.users import change_roles

    kernel = ctx.initialised_kernel()
    with kernel.system_session() as session:
        names = change_roles(session, login, add, remove)
        session.commit()
    click.echo(f"{login}: " + (", ".join(names) or _("(no roles)")))


# -- database ----------------------------------------------------------------------

@main.group()
def db():
    """Migrations."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx):
    """Upgrade the kernel and every installed module to its newest revision."""
    from core.db import migrate
    from core.registry.models import ModuleState

    kernel = ctx.kernel
    migrate.upgrade(kernel.engine, kernel.registry, "core")
    with kernel.system_session() as session:
        installed = set(session.scalars(select(ModuleState.name).where(ModuleState.installed)))
    for plugin in kernel.registry.loaded:
        if plugin.name in installed:
            migrate.upgrade(kernel.engine, kernel.registry, plugin.name)
    click.echo(_("The database is up to date."))


@db.command("current")
@pass_ctx
def db_current(ctx):
    """Per branch (kernel, each module): the revision applied and the newest one."""
    from core.db import migrate

    kernel = ctx.initialised_kernel()
    for branch, applied, head in migrate.describe(kernel.engine, kernel.registry):
        mark = (_("up to date") if applied == head
                else _("not installed") if applied is None else _("behind: run `huiwu db upgrade`"))
        click.echo(f"{branch:<16} {applied or '-':<14} {head:<14} {mark}")


@db.command("revision")
@click.argument("branch")
@click.option("-m", "--message", required=True)
@pass_ctx
def db_revision(ctx, branch, message):
    """Autogenerate a revision for the kernel (``core``) or a plugin's branch (developers).

    Enable the plugin first, so the database holds its tables as its newest
    revision left them; the new revision is the difference to its models.
    """
    from alembic.util import CommandError

    from core.db import migrate

    kernel = ctx.initialised_kernel()
    try:
        migrate.revision(kernel.engine, kernel.registry, branch, message)
    except (CommandError, ValueError) as exc:
        raise DomainError(_("No revision written for %(branch)s: %(error)s (enable the module, or run "
                            "`huiwu db upgrade`, so the database is at its newest revision first)",
                            branch=branch, error=exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
