"""What every project admin view shares: its templates, helpers and time conversion."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, format_decimal

from core.admin import SecureModelView, SecureView
from plugins.project.models.choices import (
    CHANGE_KINDS,
    CHANGE_STATUSES,
    PROJECT_TYPES,
    REQUIREMENT_CATEGORIES,
    STATUSES,
    TASK_STATUSES,
    label,
)

_VOCABULARIES = {"status": STATUSES, "type": PROJECT_TYPES, "task_status": TASK_STATUSES,
                 "category": REQUIREMENT_CATEGORIES, "change_kind": CHANGE_KINDS, "change_status": CHANGE_STATUSES}


class ProjectTemplates:
    """Hand ``project/...`` templates the ``pj`` helpers (the kernel finds the templates)."""

    def render(self, template, **kwargs):
        kwargs.setdefault("pj", HELPERS)
        return super().render(template, **kwargs)


class ProjectModelView(ProjectTemplates, SecureModelView):
    pass


class ProjectPage(ProjectTemplates, SecureView):
    pass


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.extensions["huiwu"].settings.timezone)


def to_instant(value: datetime | None) -> datetime | None:
    """A form's naive local time as an aware instant."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone())


def to_local(value: datetime | None) -> datetime | None:
    """An instant as the naive local time a form field shows."""
    return value.astimezone(zone()).replace(tzinfo=None) if value else None


def when(value) -> str:
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def money(value) -> str:
    return f"¥{format_decimal(value, '#,##0.00')}" if value is not None else ""


def vocabulary_formatter(vocabulary):
    return lambda _v, _c, model, name: label(vocabulary, getattr(model, name))


def instant_formatter(_v, _c, model, name):
    return when(getattr(model, name))


HELPERS = SimpleNamespace(when=when, money=money,
                          label=lambda vocabulary, code: label(_VOCABULARIES[vocabulary], code))
