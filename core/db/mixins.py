"""Columns every business table carries.

``AuditedMixin`` is the one a business model inherits: id, created/updated
at and by, a version counter, and membership of the audit trail. The version
counter is SQLAlchemy's ``version_id_col``: an UPDATE names the version it
read, so a second writer's flush fails instead of silently winning.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.db.types import UTCDateTime, utcnow


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), nullable=True)


class VersionMixin:
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class AuditedMixin(IdMixin, TimestampMixin, VersionMixin):
    """A business row: identified, stamped, versioned and audited."""

    #: Columns whose values the audit log must not show (it records "changed" only).
    __audit_masked__: tuple[str, ...] = ()
    #: Set False on a high-volume table whose history is not worth keeping.
    __audited__: bool = True
