"""Configuration read from the environment, with an instance folder for local state.

Nothing secret has a default in the code: the secret key and the data key are
generated into the instance folder on first use when the environment does not
provide them.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def default_instance_path() -> Path:
    return Path(os.environ.get("HUIWU_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


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
    def from_env(cls, **overrides) -> "Settings":
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
        s.smtp_port = int(env.get("HUIWU_SMTP_PORT", "25"))
        s.smtp_sender = env.get("HUIWU_SMTP_SENDER", s.smtp_sender)
        s.smtp_user = env.get("HUIWU_SMTP_USER", "")
        s.smtp_password = env.get("HUIWU_SMTP_PASSWORD", "")
        s.smtp_starttls = env.get("HUIWU_SMTP_STARTTLS", "") in ("1", "true", "yes")
        s.storage_url = env.get("HUIWU_STORAGE_URL", "")
        for key, value in overrides.items():
            setattr(s, key, value)
        if not s.database_url:
            s.database_url = f"sqlite:///{s.instance_path / 'huiwu.sqlite3'}"
        return s

    def ensure_secrets(self) -> None:
        """Fill the secret and data keys from the instance folder, creating them once."""
        if not self.secret_key:
            self.secret_key = _read_or_create_secret(self.instance_path / "secret_key")
        if not self.data_key:
            self.data_key = _read_or_create_secret(self.instance_path / "data_key")
