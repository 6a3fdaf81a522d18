"""The security log: logins, failed logins, refusals, token and module changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow


class SecurityEvent(Base):
    __tablename__ = "core_security_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: login, login_failed, logout, refused, token_issued, token_revoked, module_changed
    kind: Mapped[str] = mapped_column(String(30), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    login: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)


def record(session, kind: str, principal, detail: str = "", ip: str | None = None,
           path: str | None = None, login: str | None = None) -> None:
    session.add(SecurityEvent(kind=kind, user_id=principal.user_id, login=login or principal.login,
                              ip=ip, path=path, detail=detail[:2000]))
