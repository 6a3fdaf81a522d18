"""Checking a login and password, and recording the attempt."""
from __future__ import annotations

from sqlalchemy import func, select

from core.db.types import utcnow
from core.security import log as security_log
from core.security.models import User
from core.security.passwords import hash_password, needs_rehash, verify_password
from core.security.principal import ANONYMOUS, principal_for


def authenticate(session, login: str, password: str, ip: str | None = None):
    """Return the active user with these credentials, or None; logs either way."""
    user = session.execute(
        select(User).where(func.lower(User.login) == login.strip().lower())
        .execution_options(huiwu_system=True)
    ).scalar_one_or_none()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        security_log.record(session, "login_failed", ANONYMOUS, ip=ip, login=login[:80])
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    security_log.record(session, "login", principal_for(user), ip=ip)
    return user
