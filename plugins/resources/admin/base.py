"""What every resources admin page shares: template helpers and the company-time conversions of forms."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, format_decimal

from core.admin import SecureModelView, SecureView
from plugins.resources.models.choices import BOOKING_STATUSES, KINDS, LAYOUTS, PRICING_UNITS, RESOURCE_STATUSES

VOCABULARIES = {"kind": KINDS, "layout": LAYOUTS, "pricing_unit": PRICING_UNITS, "status": RESOURCE_STATUSES,
                "booking_status": BOOKING_STATUSES}


def label(vocabulary: dict, code: str | None) -> str:
    """The label of ``code``, or the code itself when it is not (or no longer) known."""
    return "" if code is None else str(vocabulary.get(code, code))


def choices(vocabulary: dict) -> list[tuple[str, object]]:
    return list(vocabulary.items())


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.extensions["huiwu"].settings.timezone)


def to_instant(value: datetime | None) -> datetime | None:
    """A form's naive company time as an aware instant."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone())


def to_local(value: datetime | None) -> datetime | None:
    """An instant as the naive company time a form field shows."""
    return value.astimezone(zone()).replace(tzinfo=None) if value else None


def when(value) -> str:
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def money(value) -> str:
    """``¥12,345.00``; amounts kept as text (a stored proposal's) are read as decimals."""
    if value is None or value == "":
        return ""
    return f"¥{format_decimal(Decimal(value) if isinstance(value, str) else value, '#,##0.00')}"


def vocabulary_formatter(vocabulary):
    return lambda _v, _c, model, name: label(vocabulary, getattr(model, name))


def money_formatter(_v, _c, model, name):
    return money(getattr(model, name))


HELPERS = SimpleNamespace(when=when, money=money,
                          label=lambda vocabulary, code: label(VOCABULARIES[vocabulary], code))


class ResourcesTemplates:
    """Hand ``resources/...`` templates the ``rs`` helpers."""

    def render(self, template, **kwargs):
        kwargs.setdefault("rs", HELPERS)
        return super().render(template, **kwargs)


class ResourcesModelView(ResourcesTemplates, SecureModelView):
    pass


class ResourcesPage(ResourcesTemplates, SecureView):
    pass
