"""Configuration read from the environment, with an instance folder for local state.

=========================  =====================================================
``HUIWU_INSTANCE_PATH``    folder for local state (default ``./instance``)
``HUIWU_DATABASE_URL``     SQLAlchemy URL (default: ``huiwu.sqlite3`` in the instance folder)
``HUIWU_SECRET_KEY``       signs sessions (default: generated into the instance folder)
``HUIWU_DATA_KEY``         encrypts personal data (default: generated likewise)
``HUIWU_REDIS_URL``        Redis for background jobs (optional)
``HUIWU_LOCALE``           ``zh_Hans`` (default) or ``en``: the language for everyone who chose none
``HUIWU_TIMEZONE``         the company's zone, e.g. ``Asia/Shanghai`` (default)
``HUIWU_SMTP_*``           outgoing mail: HOST, PORT, SENDER, USER, PASSWORD, STARTTLS
``HUIWU_STORAGE_URL``      attachments storage (default: the instance folder)
=========================  =====================================================

Nothing secret has a default in the code: the secret key and the data key are
generated into the instance folder on first use when the environment does not
provide them. A wrong value is a ``ConfigError``: one line naming the variable
and how to fix it.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

LOCALES = ("zh_Hans", "en")


class ConfigError(RuntimeError):
    """A configuration mistake, told in one line with how to fix it."""


def default_instance_path() -> Path:
    return Path(os.environ.get("HUIWU_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _read_or_create_secret(path: Path, variable: str, nbytes: int = 32) -> str:
    try:
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value
    except OSError as exc:
        raise ConfigError(_("Cannot keep %(variable)s in %(path)s (%(error)s); set %(variable)s, or "
                            "HUIWU_INSTANCE_PATH to a folder Huiwu may write to",
                            variable=variable, path=path, error=exc.strerror)) from None


@dataclass
class Settings:
    """What the kernel needs to start; every field can come from ``HUIWU_*``."""

    instance_path: Path = field(default_factory=default_instance_path)
    database_url: str = ""
    secret_key: str = ""
    data_key: str = ""
    redis_url: str = ""
    locale: str = "zh_Hans"
    timezone: str = "Asia/Shanghai"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "huiwu@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    storage_url: str = ""
    scheduler_in_process: bool = True
    testing: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        instance = Path(overrides.pop("instance_path", None) or default_instance_path())
        s = cls(instance_path=instance)
        s.database_url = env.get("HUIWU_DATABASE_URL", "")
        s.secret_key = env.get("HUIWU_SECRET_KEY", "")
        s.data_key = env.get("HUIWU_DATA_KEY", "")
        s.redis_url = env.get("HUIWU_REDIS_URL", "")
        s.locale = env.get("HUIWU_LOCALE", s.locale)
        s.timezone = env.get("HUIWU_TIMEZONE", s.timezone)
        s.smtp_host = env.get("HUIWU_SMTP_HOST", "")
        s.smtp_port = _port(env.get("HUIWU_SMTP_PORT", "25"))
        s.smtp_sender = env.get("HUIWU_SMTP_SENDER", s.smtp_sender)
        s.smtp_user = env.get("HUIWU_SMTP_USER", "")
        s.smtp_password = env.get("HUIWU_SMTP_PASSWORD", "")
        s.smtp_starttls = env.get("HUIWU_SMTP_STARTTLS", "") in ("1", "true", "yes")
        s.storage_url = env.get("HUIWU_STORAGE_URL", "")
        for key, value in overrides.items():
            setattr(s, key, value)
        if not s.database_url:
            s.database_url = f"sqlite:///{s.instance_path / 'huiwu.sqlite3'}"
        s.validate()
        return s

    def validate(self) -> None:
        if self.locale not in LOCALES:
            raise ConfigError(f"HUIWU_LOCALE={self.locale!r} is not a language Huiwu speaks; "
                              f"use one of {', '.join(LOCALES)}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"HUIWU_TIMEZONE={self.timezone!r} is not a time zone; "
                              "use a name such as Asia/Shanghai") from None

    def ensure_secrets(self) -> None:
        """Fill the secret and data keys from the instance folder, creating them once.

        Also makes the instance folder, where the default SQLite database lives.
        """
        try:
            self.instance_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(_("Cannot create the instance folder %(path)s (%(error)s); set "
                                "HUIWU_INSTANCE_PATH to a folder Huiwu may write to",
                                path=self.instance_path, error=exc.strerror)) from None
        if not self.secret_key:
            self.secret_key = _read_or_create_secret(self.instance_path / "secret_key", "HUIWU_SECRET_KEY")
        if not self.data_key:
            self.data_key = _read_or_create_secret(self.instance_path / "data_key", "HUIWU_DATA_KEY")


def _port(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"HUIWU_SMTP_PORT={value!r} is not a port number; use e.g. 25 or 587") from None
