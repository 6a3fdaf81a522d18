"""``huiwu init`` in a real process on a fresh instance folder, as a newcomer runs it."""
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from core.security.passwords import verify_password

ROOT = Path(__file__).resolve().parent.parent
HUIWU = Path(sys.executable).parent / "huiwu"  # the console script pip installed


def huiwu(instance: Path, *args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUIWU_")}
    command = [str(HUIWU)] if HUIWU.exists() else [sys.executable, "-m", "core.cli"]
    return subprocess.run([*command, *args], env={**base, "HUIWU_INSTANCE_PATH": str(instance), **env},
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_init_creates_the_instance_generates_secrets_and_prints_the_login(tmp_path):
    instance = tmp_path / "instance"
    first = huiwu(instance, "init", HUIWU_LOCALE="en")
    assert first.returncode == 0, first.stderr
    login = re.search(r"Administrator: login (\S+)  password (\S+)", first.stdout)
    assert login and login.group(1) == "admin"
    assert "huiwu run" in first.stdout

    secret = (instance / "secret_key").read_text()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (instance / "data_key").stat().st_mode & 0o777 == 0o600
    assert (instance / "admin_password").read_text().strip() == login.group(2)
    with sqlite3.connect(instance / "huiwu.sqlite3") as conn:
        stored = conn.execute("SELECT password_hash FROM core_user WHERE login = 'admin'").fetchone()[0]
    assert verify_password(stored, login.group(2))

    again = huiwu(instance, "init", HUIWU_LOCALE="en")
    assert again.returncode == 0
    assert "The administrator exists already" in again.stdout
    assert (instance / "secret_key").read_text() == secret  # generated once, then kept


def test_init_with_demo_speaks_chinese_shows_progress_and_keeps_given_secrets_out_of_the_folder(tmp_path):
    instance = tmp_path / "instance"
    result = huiwu(instance, "init", "--demo", HUIWU_SECRET_KEY="from-the-environment",
                   HUIWU_DATA_KEY="also-from-the-environment")
    assert result.returncode == 0, result.stderr
    assert "管理员：登录名 admin" in result.stdout
    assert "演示数据已载入；演示员工（如 zhangwei）的登录密码为 huiwu-demo" in result.stdout
    assert "[##############################] 1/1" in result.stderr
    assert not (instance / "secret_key").exists() and not (instance / "data_key").exists()


def test_an_unreachable_database_is_one_line_exit_2_and_no_traceback(tmp_path):
    result = huiwu(tmp_path, "init", HUIWU_LOCALE="en",
                   HUIWU_DATABASE_URL="postgresql+psycopg://huiwu@127.0.0.1:1/huiwu")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("huiwu: Cannot reach the database postgresql+psycopg://huiwu@127.0.0.1:1/huiwu")
    assert "check HUIWU_DATABASE_URL" in result.stderr
    assert result.stderr.count("\n") == 1
