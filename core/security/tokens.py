"""API tokens: shown once, stored as a SHA-256 hash, scoped and revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from core.db.types import utcnow
from core.security.models import ApiToken

TOKEN_PREFIX = "hw_"


def hash_of(raw: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at <= utcnow()


def issue(session, user_id: int, name: str, scopes: str = "",
          expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name, prefix=raw[:10], token_hash=hash_of(raw),
                     scopes=" ".join(scopes.split()), expires_at=expires_at)
    session.add(token)
    session.flush()
    return token, raw


def resolve(session, raw: str) -> ApiToken | None:
    """The live token for ``raw``, or None when unknown, revoked or expired."""
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_of(raw)).execution_options(huiwu_system=True)
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or expired(token.expires_at):
        return None
    return token


def revoke(session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
