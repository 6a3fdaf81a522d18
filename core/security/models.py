"""The organisation: users, the departments they belong to, roles and tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base
from core.db.mixins import AuditedMixin
from core.db.types import UTCDateTime

user_department = Table(
    "core_user_department",
    Base.metadata,
    Column("user_id", ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("core_department.id", ondelete="CASCADE"), primary_key=True),
)

user_role = Table(
    "core_user_role",
    Base.metadata,
    Column("user_id", ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
)


class Department(AuditedMixin, Base):
    __tablename__ = "core_department"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    parent: Mapped[Department | None] = relationship(remote_side="Department.id", foreign_keys=[parent_id])

    members: Mapped[list[User]] = relationship(
        secondary=user_department, back_populates="departments"
    )

    def __str__(self) -> str:
        return self.name


class Role(AuditedMixin, Base):
    __tablename__ = "core_role"

    #: Technical name, used by plugins' RoleSpec; stable across renames of the title.
    name: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    permissions: Mapped[list[RolePermission]] = relationship(
        back_populates="role", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def permission_ids(self) -> set[str]:
        return {p.permission for p in self.permissions}

    def __str__(self) -> str:
        return self.title or self.name


class RolePermission(Base):
    __tablename__ = "core_role_permission"
    __table_args__ = (UniqueConstraint("role_id", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"))
    permission: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = relationship(back_populates="permissions")


class User(AuditedMixin, Base):
    __tablename__ = "core_user"
    __audit_masked__ = ("password_hash",)

    login: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: A portal user is outside the firm (a client); only the portal lets them in.
    is_portal: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    departments: Mapped[list[Department]] = relationship(
        secondary=user_department, back_populates="members"
    )
    roles: Mapped[list[Role]] = relationship(secondary=user_role)

    def __str__(self) -> str:
        return f"{self.name} ({self.login})"


class ApiToken(AuditedMixin, Base):
    """A bearer token; only its hash is kept, and it can be limited and revoked."""

    __tablename__ = "core_api_token"
    __audit_masked__ = ("token_hash",)

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Space-separated permission ids or prefixes (``crm.`` or ``crm.customer.read``); empty = all of the user's.
    scopes: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
