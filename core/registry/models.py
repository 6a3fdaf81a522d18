"""The enabled state of modules, in the database so every process agrees."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.types import UTCDateTime, utcnow


class ModuleState(Base):
    __tablename__ = "core_module"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Tables exist (migrations ran at least once); False after an uninstall.
    installed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    installed_version: Mapped[str | None] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
