"""Reading what a person (or a program) typed: whole numbers, amounts, text, each refused naming its field.

Shared by the catalogue and the booking operations, so that the admin, the
API and the demo data meet the same messages.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from core.errors import ValidationFailed
from plugins.project.operations.common import decimal


def whole(value, field: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An ``int`` within the bounds (inclusive); a bool, a fraction or text is refused."""
    if isinstance(value, bool) or value is None:
        raise ValidationFailed(_("Enter a whole number."), field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number."), field=field) from None
    if isinstance(value, float | Decimal) and number != value:
        raise ValidationFailed(_("Enter a whole number."), field=field)
    if minimum is not None and number < minimum:
        raise ValidationFailed(_("Must be at least %(min)d.", min=minimum), field=field)
    if maximum is not None and number > maximum:
        raise ValidationFailed(_("Must be at most %(max)d.", max=maximum), field=field)
    return number


def optional_whole(value, field: str, minimum: int | None = None, maximum: int | None = None) -> int | None:
    return None if value is None or value == "" else whole(value, field, minimum, maximum)


def amount(value, field: str) -> Decimal:
    """A non-negative amount of money with at most two places."""
    number = decimal(value, field)
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Use at most two decimal places."), field=field)
    return number


def text(value, field: str, required: bool = False, max_length: int | None = None) -> str | None:
    """Stripped text, ``None`` when empty; refused when required and empty, or too long."""
    cleaned = ("" if value is None else str(value)).strip()
    if required and not cleaned:
        raise ValidationFailed(_("This field is required."), field=field)
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationFailed(_("At most %(max)d characters.", max=max_length), field=field)
    return cleaned or None


def one_of(value, vocabulary: dict, field: str) -> str:
    if value not in vocabulary:
        raise ValidationFailed(_("Unknown value %(value)s.", value=value), field=field)
    return value
