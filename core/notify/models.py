"""The kernel's notification tables: each user's inbox, and outgoing webhooks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.mixins import AuditedMixin
from core.db.types import EncryptedString, UTCDateTime, utcnow

WEBHOOK_FORMATS = ("json", "dingtalk", "wecom")


class InboxMessage(Base):
    """One notification for one user; a record rule shows each user only their own."""

    __tablename__ = "core_inbox_message"
    __table_args__ = (Index("ix_core_inbox_message_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: Where the message points: a path in the application or a full URL.
    link: Mapped[str | None] = mapped_column(String(500))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __str__(self) -> str:
        return self.title


class Webhook(AuditedMixin, Base):
    """An outside address told about the events it subscribes to."""

    __tablename__ = "core_webhook"
    __audit_masked__ = ("secret",)

    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    #: ``json`` (generic), ``dingtalk`` or ``wecom`` (group robots).
    format: Mapped[str] = mapped_column(String(10), default="json")
    #: Event names separated by spaces; ``project.*`` subscribes to all of a module's.
    events: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: json: key of the ``X-Huiwu-Signature`` HMAC; dingtalk: the robot's signing secret.
    secret: Mapped[str | None] = mapped_column(EncryptedString)

    def __str__(self) -> str:
        return self.name
