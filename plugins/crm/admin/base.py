"""What every CRM admin view shares: its templates and how values are shown."""
from __future__ import annotations

from datetime import UTC
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_admin.form.widgets import DateTimePickerWidget
from flask_babel import format_datetime, format_decimal
from markupsafe import Markup, escape
from wtforms import DateTimeField

from core.admin import SecureModelView, SecureView
from plugins.crm.handlers import EVENT_LABELS, FOLLOW_UP_LABELS
from plugins.crm.models.choices import (
    COMMUNICATION_KINDS,
    MEETING_STATUSES,
    PREFERENCE_KINDS,
    SEGMENTS,
    label,
)
from plugins.crm.operations.duplicates import reason_label


class CrmTemplates:
    """Hand ``crm/...`` templates the ``crm`` helpers (the kernel finds the templates)."""

    def render(self, template, **kwargs):
        kwargs.setdefault("crm", HELPERS)
        return super().render(template, **kwargs)


class CrmModelView(CrmTemplates, SecureModelView):
    pass


class CrmView(CrmTemplates, SecureView):
    pass


def select_field(pairs, blank: bool = True) -> dict:
    """``form_args`` of a plain select over ``{code: label}`` (or pairs); the blank choice stores None."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    choices = ([("", "—")] if blank else []) + list(items)
    return {"choices": choices, "filters": [lambda v: v or None]}


class LocalDateTimeField(DateTimeField):
    """An instant typed and shown in the company's time zone, stored in UTC."""

    widget = DateTimePickerWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(label, validators, **kwargs)

    @staticmethod
    def zone():
        return ZoneInfo(current_app.extensions["huiwu"].settings.timezone)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(self.zone()).strftime(self.strptime_format[0]) if self.data else ""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=self.zone()).astimezone(UTC)


def when(value) -> str:
    """An instant in the company's time zone, minutes precision."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def money(value) -> str:
    return f"¥{format_decimal(value, '#,##0.00')}" if value is not None else ""


def vocabulary_formatter(vocabulary):
    return lambda _v, _c, model, name: label(vocabulary, getattr(model, name))


def instant_formatter(_v, _c, model, name):
    return when(getattr(model, name))


def masked_mobile(_v, _c, model, name):
    """Lists show 138****8000; the full number is on the edit form and in exports."""
    value = getattr(model, name) or ""
    return value[:3] + "****" + value[-4:] if len(value) == 11 else value


def tag_badges(_v, _c, model, _name):
    return Markup(" ".join(f'<span class="badge badge-{escape(t.color)}">{escape(t.name)}</span>'
                           for t in dict.fromkeys(model.tags)))


_VOCABULARIES = {"segment": SEGMENTS, "kind": COMMUNICATION_KINDS, "status": MEETING_STATUSES,
                 "preference": PREFERENCE_KINDS}


def subject(record) -> str:
    """Service records and event tasks read in the reader's language, then the meeting."""
    labels = FOLLOW_UP_LABELS if record.kind == "follow_up" else EVENT_LABELS
    prefix = labels.get(record.event) if record.event else None
    return f"{prefix}: {record.subject}" if prefix else record.subject


HELPERS = SimpleNamespace(
    when=when, money=money, subject=subject, reason=reason_label,
    label=lambda vocabulary, code: label(_VOCABULARIES[vocabulary], code),
)
