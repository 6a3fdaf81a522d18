"""The tables behind the shared services: settings, sequences, jobs, attachments.

Settings and attachments are business data (audited, versioned); sequence
counters and job bookkeeping are machinery, written with single conditional
statements so that concurrent processes agree without locks held in Python.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.mixins import AuditedMixin
from core.db.types import UTCDateTime, utcnow


class Setting(AuditedMixin, Base):
    """A value an administrator set; absent rows mean "the declared default"."""

    __tablename__ = "core_setting"

    #: ``<plugin>.<name>``, as declared by a ``SettingSpec``.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    #: The value in JSON form (Decimal as a string, lists as lists).
    value: Mapped[object] = mapped_column(JSON, nullable=True)

    def __str__(self) -> str:
        return self.key


class SequenceCounter(Base):
    """The next number of one sequence in one period (``2026``, ``2026-05`` or ``""``)."""

    __tablename__ = "core_sequence"

    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=1)


class JobState(Base):
    """One scheduled job: when it runs next and who holds it while it runs."""

    __tablename__ = "core_job"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    plugin: Mapped[str | None] = mapped_column(String(40))
    cron: Mapped[str] = mapped_column(String(120))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Which runner (host:pid:id) holds the job; nobody when NULL.
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    #: After this instant another runner may take the job over (its holder is presumed dead).
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(12))


class JobRun(Base):
    """The log of every run of a scheduled job."""

    __tablename__ = "core_job_run"
    __table_args__ = (Index("ix_core_job_run_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    job: Mapped[str] = mapped_column(ForeignKey("core_job.name", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: running, ok or failed
    status: Mapped[str] = mapped_column(String(12), default="running", nullable=False)
    #: schedule or manual
    trigger: Mapped[str] = mapped_column(String(12), default="schedule", nullable=False)
    runner: Mapped[str] = mapped_column(String(120))
    #: The login of whoever pressed "run now".
    started_by: Mapped[str | None] = mapped_column(String(80))
    summary: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class Attachment(AuditedMixin, Base):
    """A file belonging to a record of any table; the bytes live in the storage backend."""

    __tablename__ = "core_attachment"
    __table_args__ = (Index("ix_core_attachment_owner", "owner_table", "owner_id"),)

    owner_table: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Where the backend keeps the bytes; equal contents share one key.
    storage_key: Mapped[str] = mapped_column(String(300))
    #: A permission needed on top of seeing the owner (e.g. ``crm.customer.read``).
    read_permission: Mapped[str | None] = mapped_column(String(120))

    def __str__(self) -> str:
        return self.filename
