"""Change requests and the portal clients' link to a customer's contact."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import AuditedMixin, Base, UTCDateTime
from core.security.models import User
from plugins.crm.models import Contact


class ChangeRequest(AuditedMixin, Base):
    """A proposed change to a project; applied in one transaction when approved.

    ``proposed`` holds the new values by field (``{"start_at": "...", "end_at": "..."}``,
    ``{"add": [...], "remove": [...]}`` for services); ``impact`` the preview computed
    on submission; ``before``/``after`` what approval actually changed.
    """

    __tablename__ = "project_change_request"
    __table_args__ = (Index("ix_project_change_request_project_status", "project_id", "status"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"))
    project: Mapped[Project] = relationship()  # noqa: F821
    kind: Mapped[str] = mapped_column(String(20))
    proposed: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    #: Raised by the client in the portal.
    from_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    def __str__(self) -> str:
        return f"#{self.id} {self.kind}"


class ClientAccess(AuditedMixin, Base):
    """Which customer contact a portal user is: the user sees that customer's projects."""

    __tablename__ = "project_client_access"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), unique=True)
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    contact_id: Mapped[int] = mapped_column(ForeignKey("crm_contact.id", ondelete="CASCADE"), index=True)
    contact: Mapped[Contact] = relationship()

    def __str__(self) -> str:
        return str(self.user)
