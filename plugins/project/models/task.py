"""Tasks, their dependencies and progress log, milestones and the templates tasks come from."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import AuditedMixin, Base, UTCDateTime
from core.security.models import Department, User

task_dependency = Table(
    "project_task_dependency",
    Base.metadata,
    Column("task_id", ForeignKey("project_task.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("project_task.id", ondelete="CASCADE"), primary_key=True),
)


class Task(AuditedMixin, Base):
    __tablename__ = "project_task"
    __table_args__ = (
        Index("ix_project_task_project_due", "project_id", "due_at"),
        Index("ix_project_task_department_project", "department_id", "project_id"),
        Index("ix_project_task_assignee_status", "assignee_id", "status"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"))
    project: Mapped[Project] = relationship()  # noqa: F821
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id", ondelete="SET NULL"))
    department: Mapped[Department | None] = relationship()
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    status: Mapped[str] = mapped_column(String(20), default="todo")
    #: 0 to 100.
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    planned_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(8))
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("project_task_template.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)

    depends_on: Mapped[list[Task]] = relationship(
        secondary=task_dependency, primaryjoin=lambda: Task.id == task_dependency.c.task_id,
        secondaryjoin=lambda: Task.id == task_dependency.c.depends_on_id, order_by="Task.id")
    updates: Mapped[list[TaskUpdate]] = relationship(
        back_populates="task", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TaskUpdate.id")

    def __str__(self) -> str:
        return self.title


class TaskUpdate(AuditedMixin, Base):
    """One progress report on a task by the person doing it (``created_by`` is who)."""

    __tablename__ = "project_task_update"

    task_id: Mapped[int] = mapped_column(ForeignKey("project_task.id", ondelete="CASCADE"), index=True)
    task: Mapped[Task] = relationship(back_populates="updates")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    progress: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(20))
    hours_spent: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    note: Mapped[str | None] = mapped_column(Text)


class Milestone(AuditedMixin, Base):
    """A point the client follows in the portal (contract signed, rehearsal, the day itself)."""

    __tablename__ = "project_milestone"

    project_id: Mapped[int] = mapped_column(ForeignKey("project_project.id", ondelete="CASCADE"), index=True)
    project: Mapped[Project] = relationship(back_populates="milestones")  # noqa: F821
    title: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return self.title


class TaskTemplate(AuditedMixin, Base):
    """Which task a requirement category needs, for which department, how long before the start."""

    __tablename__ = "project_task_template"

    category: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: ``core_department.code`` of the department doing it.
    department_code: Mapped[str] = mapped_column(String(40))
    #: Days before the project starts that the task is due (0: on the day; negative: after).
    days_before: Mapped[int] = mapped_column(Integer, default=0)
    planned_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.title
