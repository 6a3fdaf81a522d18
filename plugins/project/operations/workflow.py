"""The status workflow of a project and the events each move emits.

::

    enquiry → proposal → confirmed → in_preparation → on_site → completed → closed
        └──────────┴───────────┴──────────────┴──→ cancelled

A move is allowed only from the states listed in ``TRANSITIONS`` and only to
holders of its permission: confirming, cancelling and closing have their own
(``project.project.confirm`` / ``cancel`` / ``close``); the other moves need
``project.project.update``. Every move emits ``project.status_changed``;
confirming also emits ``project.confirmed`` and creates the tasks from the
templates (``assignment``), completing emits ``project.completed``.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.db.types import utcnow
from core.errors import DomainError, ValidationFailed
from core.events import emit
from plugins.project.models import Project
from plugins.project.models.choices import STATUSES, label
from plugins.project.operations import assignment
from plugins.project.operations.common import local_day, require
from plugins.project.operations.projects import order_total

#: target status -> the statuses it may be reached from
TRANSITIONS = {
    "proposal": ("enquiry",),
    "enquiry": ("proposal",),
    "confirmed": ("proposal",),
    "in_preparation": ("confirmed",),
    "on_site": ("in_preparation",),
    "completed": ("on_site",),
    "closed": ("completed",),
    "cancelled": ("enquiry", "proposal", "confirmed", "in_preparation"),
}

PERMISSION_OF = {"confirmed": "project.project.confirm", "cancelled": "project.project.cancel",
                 "closed": "project.project.close"}

#: Where a stamp is written when the project reaches a status.
STAMPS = {"confirmed": "confirmed_at", "completed": "completed_at", "closed": "closed_at",
          "cancelled": "cancelled_at"}


def allowed_targets(project: Project) -> list[str]:
    """The statuses the project may move to next (permissions aside), in workflow order."""
    return [s for s in STATUSES if project.status in TRANSITIONS.get(s, ())]


def permission_for(target: str) -> str:
    return PERMISSION_OF.get(target, "project.project.update")


def _base_payload(session, project: Project) -> dict:
    return {"project_id": project.id, "customer_id": project.customer_id, "code": project.code,
            "title": project.name}


def move(session, project: Project, target: str) -> Project:
    """Move ``project`` to ``target``; refused with a message when not allowed from here."""
    if target not in STATUSES:
        raise ValidationFailed(_("Unknown value %(value)s.", value=target), field="status")
    require(session, permission_for(target))
    if project.status not in TRANSITIONS.get(target, ()):
        raise DomainError(_("A project in status %(current)s cannot be moved to %(target)s.",
                            current=label(STATUSES, project.status), target=label(STATUSES, target)),
                          field="status")
    old, now = project.status, utcnow()
    project.status = target
    if target in STAMPS:
        setattr(project, STAMPS[target], now)
    session.flush()
    base = _base_payload(session, project)
    if target == "confirmed":
        assignment.create_tasks(session, project)
        assignment.create_milestones(session, project)
        end = local_day(session, project.end_at)
        emit(session, "project.confirmed", **base, start_date=local_day(session, project.start_at).isoformat(),
             end_date=end.isoformat() if end else None, city=project.city, attendees=project.attendance,
             amount=str(order_total(session, project.id)), confirmed_at=now.isoformat())
    emit(session, "project.status_changed", **base, old_status=old, new_status=target,
         changed_at=now.isoformat())
    if target == "completed":
        emit(session, "project.completed", **base, completed_at=now.isoformat(),
             start_date=local_day(session, project.start_at).isoformat(),
             end_date=local_day(session, project.end_at).isoformat(),
             amount=str(order_total(session, project.id)))
    return project
