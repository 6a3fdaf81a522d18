"""API tokens: shown once, stored as a SHA-256 hash, scoped and revocable."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select

from core.db.types import utcnow
from core.security.models import ApiToken

TOKEN_PREFIX = "hw_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(session, user_id: int, name: str, scopes: str = "",
          expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name, prefix=raw[:10], token_hash=_hash(raw),
                     scopes=" ".join(scopes.split()), expires_at=expires_at)
    session.add(token)
    session.flush()
    return token, raw


def resolve(session, raw: str) -> ApiToken | None:
    """The live token for ``raw``, or None when unknown, revoked or expired."""
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _hash(raw)).execution_options(huiwu_system=True)
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token


_LIVE = (
    select(ApiToken.id, ApiToken.user_id, ApiToken.scopes, ApiToken.revoked_at, ApiToken.expires_at)
    .where(ApiToken.token_hash == bindparam("hash"))
)


def resolve_row(session, raw: str):
    """As ``resolve``, without loading the token as an object: the row
    ``(id, user_id, scopes, revoked_at, expires_at)``, or None. Used on every API request."""
    row = session.connection().execute(_LIVE, {"hash": _hash(raw)}).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return row


def revoke(session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
