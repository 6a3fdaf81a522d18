"""The progress report's content, one builder for the admin page, the PDF, the workbook and the portal.

``build(session, project, audience="client")`` leaves out what a client must
never read: internal notes, order lines and amounts, progress notes and the
names of staff. Tasks are read with three queries whatever their number.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db.types import utcnow
from core.services.attachments import attachments_of
from core.services.company import profile
from plugins.project.models import Milestone, OrderLine, Project, Task
from plugins.project.models.choices import CLOSED_TASK_STATUSES, TASK_STATUSES
from plugins.project.operations.tasks import Progress, progress_of

#: How far ahead "upcoming steps" look.
UPCOMING_DAYS = 14
STAFF, CLIENT = "staff", "client"


@dataclass
class Report:
    project: Project
    audience: str
    company: str
    generated_at: datetime
    progress: Progress
    milestones: list[Milestone]
    by_status: dict[str, int]
    upcoming: list[Task]
    overdue: list[Task] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    order_lines: list[OrderLine] = field(default_factory=list)
    order_total: Decimal | None = None
    internal_notes: str | None = None
    documents: list = field(default_factory=list)

    @property
    def for_client(self) -> bool:
        return self.audience == CLIENT


def build(session, project: Project, audience: str = STAFF) -> Report:
    now = utcnow()
    tasks = list(session.execute(
        select(Task).where(Task.project_id == project.id)
        .options(selectinload(Task.assignee), selectinload(Task.department))
        .order_by(Task.due_at, Task.id)).scalars())
    live = [t for t in tasks if t.status not in CLOSED_TASK_STATUSES]
    by_status = {s: 0 for s in TASK_STATUSES}
    for task in tasks:
        by_status[task.status] = by_status.get(task.status, 0) + 1
    horizon = now + timedelta(days=UPCOMING_DAYS)
    report = Report(
        project=project, audience=audience, company=profile(session).name, generated_at=now,
        progress=progress_of(session, project.id),
        milestones=list(session.execute(select(Milestone).where(Milestone.project_id == project.id)
                                        .order_by(Milestone.due_at)).scalars()),
        by_status=by_status,
        upcoming=[t for t in live if t.due_at and now <= t.due_at <= horizon][:20],
    )
    documents = attachments_of(session, project)
    if audience == CLIENT:
        report.documents = [d for d in documents if d.read_permission is None]
        return report
    report.documents = documents
    report.overdue = [t for t in live if t.due_at and t.due_at < now]
    report.tasks = tasks
    report.order_lines = list(project.order_lines)
    report.order_total = sum((line.amount for line in report.order_lines), Decimal("0.00"))
    report.internal_notes = project.internal_notes
    return report
