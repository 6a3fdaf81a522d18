"""How every admin page shows and reads the common kinds of value, so they look alike in every module.

Instants are stored in UTC and shown, typed and picked in the company's time
zone (the kernel's ``timezone`` setting); amounts are yuan with two decimals;
a stored code is shown by its translated label from the plugin's vocabulary.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_admin.form.widgets import DateTimePickerWidget
from flask_babel import format_datetime, format_decimal
from wtforms import DateTimeField


def label(vocabulary: dict, code: str | None) -> str:
    """The label of ``code``, or the code itself when it is not (or no longer) known."""
    return "" if code is None else str(vocabulary.get(code, code))


def choices(vocabulary: dict) -> list[tuple[str, object]]:
    """A vocabulary as a select field's choices."""
    return list(vocabulary.items())


def zone() -> ZoneInfo:
    """The company's time zone."""
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
    """An instant in the company's time zone, minutes precision."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def money(value) -> str:
    """``¥12,345.00``; an amount kept as text (in JSON, say) is read as a decimal."""
    if value is None or value == "":
        return ""
    return f"¥{format_decimal(Decimal(value) if isinstance(value, str) else value, '#,##0.00')}"


def vocabulary_formatter(vocabulary):
    """A list column showing the label of the stored code."""
    return lambda _v, _c, model, name: label(vocabulary, getattr(model, name))


def instant_formatter(_v, _c, model, name):
    return when(getattr(model, name))


def money_formatter(_v, _c, model, name):
    return money(getattr(model, name))


class LocalDateTimeField(DateTimeField):
    """An instant typed and shown in the company's time zone, stored in UTC."""

    widget = DateTimePickerWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(label, validators, **kwargs)

    @staticmethod
    def zone() -> ZoneInfo:
        return zone()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(self.zone()).strftime(self.strptime_format[0]) if self.data else ""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=self.zone()).astimezone(UTC)
