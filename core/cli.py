"""The ``huiwu`` command: set up, run, switch modules, manage users, migrate, work.

Configuration errors print one line and exit 2, never a traceback.
"""
from __future__ import annotations

import getpass
import sys
import time

import click
from sqlalchemy import select

from core.config import Settings
from core.db.session import ConfigError
from core.errors import DomainError


class Context:
    def __init__(self):
        self._kernel = None

    @property
    def kernel(self):
        if self._kernel is None:
            from core.kernel import Kernel

            self._kernel = Kernel(Settings.from_env())
        return self._kernel


pass_ctx = click.make_pass_decorator(Context, ensure=True)


class HuiwuGroup(click.Group):
    """Adds plugins' commands and turns configuration errors into one line."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(_plugin_commands()))

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or _plugin_commands().get(name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"huiwu: {exc}", err=True)
            sys.exit(2)
        except DomainError as exc:
            click.echo(f"huiwu: {exc.message}", err=True)
            sys.exit(1)


_PLUGIN_COMMANDS: dict | None = None


def _plugin_commands() -> dict:
    global _PLUGIN_COMMANDS
    if _PLUGIN_COMMANDS is None:
        from core.registry.registry import Registry

        _PLUGIN_COMMANDS = {}
        try:
            registry = Registry()
        except Exception:
            return _PLUGIN_COMMANDS
        for plugin, command in registry.contributions("huiwu_cli_commands"):
            group = _PLUGIN_COMMANDS.setdefault(plugin, click.Group(plugin, help=f"{plugin} commands"))
            group.add_command(command)
    return _PLUGIN_COMMANDS


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
    from core.demo import DEMO_PASSWORD

    kernel = ctx.kernel
    created = initialise(kernel, admin_login, admin_password)
    click.echo(f"database ready: {kernel.engine.url.render_as_string(hide_password=True)}")
    if created["enabled"]:
        click.echo("modules enabled: " + ", ".join(created["enabled"]))
    if demo:
        load_demo(kernel, "small", progress=_progress)
        click.echo(f"demo data loaded; demo staff log in with password {DEMO_PASSWORD}")
    if created["admin_password"]:
        click.echo(f"administrator: login {created['admin_login']}  password {created['admin_password']}")
        (kernel.settings.instance_path / "admin_password").write_text(created["admin_password"] + "\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Leave scheduled jobs to `huiwu worker`.")
@pass_ctx
def run(ctx, host, port, no_scheduler):
    """Serve the application (embedded default: one process, jobs included)."""
    from werkzeug.serving import run_simple

    from core.app import create_app

    kernel = ctx.kernel
    app = create_app(kernel=kernel)
    if not no_scheduler:
        from core.services.scheduler import start_background_scheduler

        start_background_scheduler(kernel)
    from core.services.worker import start_background_sweeper

    start_background_sweeper(kernel)
    click.echo(f"Huiwu is running: http://{host}:{port}/admin  (client portal: http://{host}:{port}/portal)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command()
@click.option("--burst", is_flag=True, help="Deliver what is due, run due jobs, then exit.")
@click.option("--interval", default=5.0, show_default=True)
@pass_ctx
def worker(ctx, burst, interval):
    """Deliver the outbox and run scheduled jobs (RQ on Redis when HUIWU_REDIS_URL is set)."""
    from core.services.worker import run_worker

    run_worker(ctx.kernel, burst=burst, interval=interval, echo=click.echo)


@main.command()
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True)
@pass_ctx
def demo(ctx, scale):
    """Load demo data into the enabled modules."""
    from core.bootstrap import load_demo

    load_demo(ctx.kernel, scale, progress=_progress)
    click.echo("demo data loaded")


def _progress(done: int, total: int, label: str = "") -> None:
    width = 30
    filled = int(width * done / total) if total else width
    click.echo(f"\r{label:<20} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
               nl=done >= total, err=True)


# -- modules ---------------------------------------------------------------------

@main.group()
def modules():
    """List, enable, disable and uninstall modules."""


@modules.command("list")
@pass_ctx
def modules_list(ctx):
    kernel = ctx.kernel
    with kernel.system_session() as session:
        enabled = kernel.registry.enabled(session)
    for plugin in kernel.registry.loaded:
        state = "enabled" if plugin.name in enabled else "disabled"
        deps = ",".join(plugin.depends) or "-"
        click.echo(f"{plugin.name:<16} {plugin.manifest.version:<8} {state:<9} depends: {deps:<20} "
                   f"{plugin.manifest.title_for('zh_Hans')}")
    for plugin in kernel.registry.broken:
        click.echo(f"{plugin.name:<16} {'?':<8} {'broken':<9} {plugin.error}")


@modules.command("enable")
@click.argument("name")
@click.option("--with-dependencies", is_flag=True, help="Also enable what it needs.")
@pass_ctx
def modules_enable(ctx, name, with_dependencies):
    from core.registry import switching

    with ctx.kernel.system_session() as session:
        switched = switching.enable(ctx.kernel, session, name, with_dependencies)
        session.commit()
    click.echo("enabled: " + (", ".join(switched) or "(already enabled)"))


@modules.command("disable")
@click.argument("name")
@pass_ctx
def modules_disable(ctx, name):
    from core.registry import switching

    with ctx.kernel.system_session() as session:
        switching.disable(ctx.kernel, session, name)
        session.commit()
    click.echo(f"disabled: {name} (its data is kept)")


@modules.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def modules_uninstall(ctx, name, yes):
    """Drop a module's tables, after a backup."""
    from core.registry.uninstall import uninstall_with_backup

    if not yes:
        click.confirm(f"Drop all tables of {name}? A backup is taken first.", abort=True)
    path = uninstall_with_backup(ctx.kernel, name)
    click.echo(f"uninstalled {name}; backup: {path}")


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
    from core.security.users import create_user

    password = password or getpass.getpass("Password: ")
    with ctx.kernel.system_session() as session:
        create_user(session, login=login, name=name or login, email=email, password=password,
                    is_superuser=superuser, is_portal=portal, role_names=roles)
        session.commit()
    click.echo(f"user {login} created")


@user.command("passwd")
@click.argument("login")
@click.option("--password", default=None, help="Default: asked for.")
@pass_ctx
def user_passwd(ctx, login, password):
    from core.security.users import set_password

    password = password or getpass.getpass("New password: ")
    with ctx.kernel.system_session() as session:
        set_password(session, login, password)
        session.commit()
    click.echo(f"password of {login} changed")


@user.command("roles")
@click.argument("login")
@click.option("--add", multiple=True)
@click.option("--remove", multiple=True)
@pass_ctx
def user_roles(ctx, login, add, remove):
    from core.security.users import change_roles

    with ctx.kernel.system_session() as session:
        names = change_roles(session, login, add, remove)
        session.commit()
    click.echo(f"{login}: " + (", ".join(names) or "(no roles)"))


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
        installed = set(session.execute(select(ModuleState.name).where(ModuleState.installed)).scalars())
    for plugin in kernel.registry.loaded:
        if plugin.name in installed:
            migrate.upgrade(kernel.engine, kernel.registry, plugin.name)
    click.echo("database is up to date")


@db.command("current")
@pass_ctx
def db_current(ctx):
    from core.db import migrate

    for branch, applied, head in migrate.describe(ctx.kernel.engine, ctx.kernel.registry):
        mark = "ok" if applied == head else ("not installed" if applied is None else "behind")
        click.echo(f"{branch:<16} applied: {applied or '-':<14} head: {head:<14} {mark}")


@db.command("revision")
@click.argument("branch")
@click.option("-m", "--message", required=True)
@pass_ctx
def db_revision(ctx, branch, message):
    """Autogenerate a revision for the kernel (``core``) or a plugin's branch (developers)."""
    from core.db import migrate

    migrate.revision(ctx.kernel.engine, ctx.kernel.registry, branch, message)


if __name__ == "__main__":  # pragma: no cover
    main()
