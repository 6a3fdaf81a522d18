"""What every CRM admin view shares: its templates and how values are shown."""
from __future__ import annotations

from types import SimpleNamespace

from markupsafe import Markup, escape

from core.admin import SecureModelView, SecureView
from core.admin.formatting import (  # noqa: F401  (the CRM's pages import them from here)
    LocalDateTimeField,
    instant_formatter,
    money,
    vocabulary_formatter,
    when,
)
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
