"""The ``huiwu`` command, run in-process against the test database as an operator would run it."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from huiwu_example.models import Note
from sqlalchemy import func, inspect, select

import core.kernel
from core.cli import main
from core.registry.models import ModuleState
from core.security.models import Department, User
from core.security.passwords import verify_password


@pytest.fixture
def huiwu(kernel):
    """``huiwu("modules", "list")`` -> click Result; English output, the test database."""
    env = {"HUIWU_DATABASE_URL": kernel.settings.database_url,
           "HUIWU_INSTANCE_PATH": str(kernel.settings.instance_path),
           "HUIWU_SECRET_KEY": kernel.settings.secret_key,
           "HUIWU_DATA_KEY": kernel.settings.data_key,
           "HUIWU_LOCALE": "en"}
    runner = CliRunner()

    def run(*args, input=None, **extra_env):
        try:
            return runner.invoke(main, list(args), input=input, env={**env, **extra_env})
        finally:
            core.kernel.current = kernel  # the command's kernel made itself current

    return run


def module_state(kernel, name):
    with kernel.system_session() as s:
        row = s.get(ModuleState, name)
        return (row.enabled, row.installed) if row else None


def test_modules_list_shows_every_module_and_its_state(huiwu):
    result = huiwu("modules", "list")
    assert result.exit_code == 0
    assert "example" in result.stdout and "disabled" in result.stdout and "Notes" in result.stdout


def test_modules_list_speaks_chinese_by_default(huiwu):
    result = huiwu("modules", "list", HUIWU_LOCALE="zh_Hans")
    assert "便签" in result.stdout and "已停用" in result.stdout


def test_enable_and_disable_a_module(kernel, huiwu):
    enabled = huiwu("modules", "enable", "example")
    assert enabled.exit_code == 0 and enabled.stdout == "Enabled: example\n"
    assert module_state(kernel, "example") == (True, True)
    assert inspect(kernel.engine).has_table("example_note")

    disabled = huiwu("modules", "disable", "example")
    assert disabled.stdout == "Disabled: example (its data is kept)\n"
    assert module_state(kernel, "example") == (False, True)


def test_a_refusal_is_one_line_and_exit_code_1(huiwu):
    result = huiwu("modules", "enable", "nosuch")
    assert result.exit_code == 1
    assert result.stderr == "huiwu: There is no module named nosuch.\n"


def test_uninstall_asks_for_confirmation_and_backs_up(kernel, huiwu, plugin_enabled):
    plugin_enabled("example")
    with kernel.system_session() as s:
        s.add(Note(title="签到表"))
        s.commit()

    declined = huiwu("modules", "uninstall", "example", input="n\n")
    assert declined.exit_code == 1 and "Drop all tables of example?" in declined.output
    assert inspect(kernel.engine).has_table("example_note")

    confirmed = huiwu("modules", "uninstall", "example", input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    backup = confirmed.stdout.split("backup: ")[1].strip()
    assert not inspect(kernel.engine).has_table("example_note")
    assert json.loads(Path(backup).read_text(encoding="utf-8").splitlines()[1])["row"]["title"] == "签到表"

    restored = huiwu("modules", "restore", "example", backup)
    assert restored.stdout == "Restored example: 1 rows, module enabled.\n"
    with kernel.system_session() as s:
        assert s.scalars(select(Note.title)).all() == ["签到表"]


def test_user_create_asks_for_the_password_twice(kernel, huiwu):
    result = huiwu("user", "create", "chenjing", "--name", "陈静", "--role", "administrator",
                   input="long-enough-pw\nlong-enough-pw\n")
    assert result.exit_code == 0, result.output
    with kernel.system_session() as s:
        user = s.scalar(select(User).where(User.login == "chenjing"))
        assert user.name == "陈静" and [r.name for r in user.roles] == ["administrator"]
        assert verify_password(user.password_hash, "long-enough-pw")


def test_user_create_refuses_a_short_password_in_one_line(huiwu):
    result = huiwu("user", "create", "lina", "--password", "short")
    assert result.exit_code == 1
    assert result.stderr == "huiwu: A password needs at least 8 characters.\n"


def test_user_passwd_and_roles(kernel, huiwu, make_user):
    make_user("liuyang")
    assert huiwu("user", "passwd", "liuyang", "--password", "new-password-1").exit_code == 0
    roles = huiwu("user", "roles", "liuyang", "--add", "administrator")
    assert roles.stdout == "liuyang: administrator\n"
    assert huiwu("user", "roles", "liuyang", "--remove", "administrator").stdout == "liuyang: (no roles)\n"
    unknown = huiwu("user", "roles", "liuyang", "--add", "astronaut")
    assert unknown.exit_code == 1 and "Unknown role: astronaut" in unknown.stderr
    with kernel.system_session() as s:
        user = s.scalar(select(User).where(User.login == "liuyang"))
        assert verify_password(user.password_hash, "new-password-1")


def test_db_current_and_upgrade(huiwu, plugin_enabled):
    plugin_enabled("example")
    current = huiwu("db", "current")
    assert "core             core_0002      core_0002      up to date" in current.stdout
    assert "example          f5a04d6f2dae   f5a04d6f2dae   up to date" in current.stdout
    upgraded = huiwu("db", "upgrade")
    assert upgraded.exit_code == 0 and upgraded.stdout == "The database is up to date.\n"


def test_demo_shows_progress_and_loads_the_kernel_demo(kernel, huiwu):
    result = huiwu("demo", "--scale", "small")
    assert result.exit_code == 0, result.output
    assert "core" in result.stderr and "[##############################] 1/1" in result.stderr
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 6
        assert s.scalar(select(User.name).where(User.login == "zhangwei")) == "张伟"


@pytest.mark.parametrize("url, says", [
    ("nonsense", "HUIWU_DATABASE_URL is not a database URL"),
    ("postgresql+psycopg://nobody@127.0.0.1:1/huiwu", "Cannot reach the database"),
    ("mysql://nobody@127.0.0.1/huiwu", "HUIWU_DATABASE_URL names a database driver that is not installed"),
])
def test_a_wrong_database_url_is_one_line_naming_the_variable(huiwu, url, says):
    result = huiwu("modules", "list", HUIWU_DATABASE_URL=url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"huiwu: {says}") and "HUIWU_DATABASE_URL" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_an_uninitialised_database_says_to_run_init(huiwu, tmp_path):
    result = huiwu("modules", "list", HUIWU_DATABASE_URL=f"sqlite:///{tmp_path}/empty.sqlite3")
    assert result.exit_code == 2
    assert "is not initialised; run `huiwu init` first" in result.stderr


@pytest.mark.parametrize("variable, value", [("HUIWU_LOCALE", "fr"), ("HUIWU_TIMEZONE", "Asia/Shangai")])
def test_a_wrong_locale_or_time_zone_is_named(huiwu, variable, value):
    result = huiwu("modules", "list", **{variable: value})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"huiwu: {variable}={value!r}")


@pytest.fixture
def clitool_installed(monkeypatch):
    import core.cli
    from core.registry.discovery import plugins_from
    from core.registry.registry import Registry

    registry = Registry(plugins_from(["tests.plugins_for_tests.clitool", "tests.plugins_for_tests.explodes"]))
    monkeypatch.setattr(core.cli, "_registry", lambda: registry)
    core.cli._plugin_commands.cache_clear()
    yield
    core.cli._plugin_commands.cache_clear()


def test_a_plugins_command_runs_only_while_it_is_enabled(huiwu, clitool_installed):
    refused = huiwu("clitool", "count-users")
    assert refused.exit_code == 1
    assert refused.stderr == ("huiwu: Module clitool is disabled; enable it with "
                              "`huiwu modules enable clitool`.\n")
    assert huiwu("modules", "enable", "clitool").exit_code == 0
    counted = huiwu("clitool", "count-users")
    assert counted.exit_code == 0 and counted.stdout == "1 users\n"
    assert "count-users" in huiwu("clitool", "--help").stdout


def test_modules_list_tells_why_a_broken_module_cannot_load(huiwu, clitool_installed):
    listed = huiwu("modules", "list").stdout.splitlines()
    assert [line.split() for line in listed if line.startswith("explodes")] == [
        ["explodes", "?", "broken", "RuntimeError:", "boom", "while", "importing", "explodes"]]
