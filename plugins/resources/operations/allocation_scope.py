"""What an allocation is asked to cover: one project's needs, or every pending request of some kinds in a period.

Read from what a person typed (the admin form, an API body), each refusal
naming its field: a project the user cannot see or that is over, a period
backwards or too long, a kind nobody knows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import ValidationFailed
from plugins.project.models import Project
from plugins.project.models.choices import STATUSES, label
from plugins.project.operations.common import instant
from plugins.resources.models.choices import KINDS
from plugins.resources.operations.booking_input import FINISHED_PROJECT_STATUSES
from plugins.resources.operations.values import whole

#: The longest period one allocation may cover: a quarter.
MAX_PERIOD = timedelta(days=93)
#: Bounds of the solver's time, in seconds.
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 1, 60, 10


@dataclass(frozen=True)
class Scope:
    mode: str  # "project" or "period"
    project_id: int | None = None
    project_name: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    #: Kinds of resource in play; empty means every kind.
    kinds: tuple[str, ...] = ()
    time_limit: int = DEFAULT_SECONDS


def clean_scope(session, data: dict) -> Scope:
    """A project (``project_id``), or a period (``starts_at``, ``ends_at``, ``kinds``); ``time_limit`` seconds."""
    period = any(data.get(key) not in (None, "") for key in ("starts_at", "ends_at"))
    project = data.get("project_id") not in (None, "")
    seconds = data.get("time_limit")
    time_limit = DEFAULT_SECONDS if seconds in (None, "") else whole(seconds, "time_limit", MIN_SECONDS, MAX_SECONDS)
    kinds = _kinds(data.get("kinds"))
    if project and period:
        raise ValidationFailed(_("Choose a project or a period, not both."), field="project_id")
    if project:
        found = _project(session, data["project_id"])
        return Scope("project", project_id=found.id, project_name=found.name, kinds=kinds, time_limit=time_limit)
    if not period:
        raise ValidationFailed(_("Choose a project, or a period to allocate."), field="project_id")
    bounds = {}
    for key in ("starts_at", "ends_at"):
        if data.get(key) in (None, ""):
            raise ValidationFailed(_("This field is required."), field=key)
        bounds[key] = instant(session, data[key], key).astimezone(UTC)
    if bounds["ends_at"] <= bounds["starts_at"]:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    if bounds["ends_at"] - bounds["starts_at"] > MAX_PERIOD:
        raise ValidationFailed(_("Allocate at most %(days)d days at a time.", days=MAX_PERIOD.days),
                               field="ends_at")
    return Scope("period", kinds=kinds, time_limit=time_limit, **bounds)


def _kinds(value) -> tuple[str, ...]:
    if value in (None, "", []):
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValidationFailed(_("Give the kinds as a list."), field="kinds")
    cleaned = []
    for item in items:
        code = str(item).strip()
        if code not in KINDS:
            raise ValidationFailed(_("Unknown kind of resource: %(kind)s.", kind=code), field="kinds")
        if code not in cleaned:
            cleaned.append(code)
    return tuple(cleaned)


def _project(session, value) -> Project:
    project_id = whole(value, "project_id", 1)
    # Through the caller's record rules: a project they cannot see is one they cannot allocate for.
    project = session.execute(select(Project).where(Project.id == project_id)).scalar_one_or_none()
    if project is None:
        raise ValidationFailed(_("Choose one of your projects."), field="project_id")
    if project.status in FINISHED_PROJECT_STATUSES:
        raise ValidationFailed(_("The project is %(status)s: it takes no new bookings.",
                                 status=label(STATUSES, project.status)), field="project_id")
    return project
