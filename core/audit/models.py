"""Audit rows; written from the session layer, never by plugins themselves."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow


class AuditLog(Base):
    __tablename__ = "core_audit_log"
    __table_args__ = (Index("ix_core_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: Not indexed: rows are read newest first by id and by day through id ranges
    #: (``core.db.append_only``), so no audited write pays for a second index.
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    user_login: Mapped[str] = mapped_column(String(80))
    #: insert, update or delete
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[str] = mapped_column(String(40))
    #: {column: [before, after]}; masked columns show "***".
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
