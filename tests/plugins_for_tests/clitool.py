"""A plugin contributing a command line command."""
import click
from sqlalchemy import func, select

from core import Manifest, hookimpl
from core.cli import pass_kernel
from core.security.models import User

manifest = Manifest(name="clitool", version="1.0", title={"zh_Hans": "命令", "en": "Command"})


@click.command("count-users")
@pass_kernel
def count_users(kernel):
    """Print how many users there are."""
    with kernel.system_session() as session:
        click.echo(f"{session.scalar(select(func.count()).select_from(User))} users")


@hookimpl
def huiwu_cli_commands():
    return [count_users]
