"""marshmallow's validation messages in the user's language.

marshmallow writes its messages in English, formatted at validation time
("Longer than maximum length 200."). Rather than asking every plugin's
schema to override them, the error handler translates each message it
recognises here, placeholders and all, so plain ``marshmallow.Schema``
subclasses get Chinese messages too. A message not in the table (a
plugin's own, already translated) passes through unchanged.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

#: marshmallow's English text (``{name}`` placeholders) -> our msgid (``%(name)s``).
MESSAGES: list[tuple[str, object]] = [
    ("Missing data for required field.", _l("This field is required.")),
    ("Field may not be null.", _l("This field may not be empty.")),
    ("Unknown field.", _l("Unknown field.")),
    ("Invalid input type.", _l("The input has the wrong type.")),
    ("Invalid type.", _l("The input has the wrong type.")),
    ("Invalid value.", _l("Invalid value.")),
    ("Invalid input.", _l("Invalid value.")),
    ("Not a valid string.", _l("Not a valid text.")),
    ("Not a valid utf-8 string.", _l("Not a valid text.")),
    ("Not a valid integer.", _l("Not a valid whole number.")),
    ("Not a valid number.", _l("Not a valid number.")),
    ("Number too large.", _l("The number is too large.")),
    ("Special numeric values (nan or infinity) are not permitted.", _l("Not a valid number.")),
    ("Not a valid boolean.", _l("Not a valid yes/no value.")),
    ("Not a valid list.", _l("Not a valid list.")),
    ("Not a valid tuple.", _l("Not a valid list.")),
    ("Not a valid mapping type.", _l("Not a valid object.")),
    ("Not a valid email address.", _l("Not a valid e-mail address.")),
    ("Not a valid URL.", _l("Not a valid web address.")),
    ("Not a valid UUID.", _l("Not a valid UUID.")),
    ("Not a valid date.", _l("Not a valid date (use YYYY-MM-DD).")),
    ("Not a valid datetime.", _l("Not a valid date and time (use ISO 8601, e.g. 2026-05-01T09:30:00+08:00).")),
    ("Not a valid time.", _l("Not a valid time (use HH:MM).")),
    ("Not a valid aware datetime.", _l("The date and time needs a time zone (e.g. +08:00).")),
    ("Not a valid naive datetime.", _l("The date and time must not carry a time zone.")),
    ("Not a valid period of time.", _l("Not a valid duration.")),
    ("Not a valid IP address.", _l("Not a valid IP address.")),
    ("String does not match expected pattern.", _l("The text is not in the expected form.")),
    ("Length must be between {min} and {max}.", _l("Length must be between %(min)s and %(max)s.")),
    ("Longer than maximum length {max}.", _l("At most %(max)s characters.")),
    ("Shorter than minimum length {min}.", _l("At least %(min)s characters.")),
    ("Length must be {equal}.", _l("Length must be exactly %(equal)s.")),
    ("Must be one of: {choices}.", _l("Must be one of: %(choices)s.")),
    ("Must be equal to {other}.", _l("Must be %(other)s.")),
    ("Must be greater than or equal to {min} and less than or equal to {max}.",
     _l("Must be from %(min)s to %(max)s.")),
    ("Must be greater than {min} and less than {max}.", _l("Must be more than %(min)s and less than %(max)s.")),
    ("Must be greater than or equal to {min} and less than {max}.",
     _l("Must be at least %(min)s and less than %(max)s.")),
    ("Must be greater than {min} and less than or equal to {max}.",
     _l("Must be more than %(min)s and at most %(max)s.")),
    ("Must be greater than or equal to {min}.", _l("Must be at least %(min)s.")),
    ("Must be greater than {min}.", _l("Must be more than %(min)s.")),
    ("Must be less than or equal to {max}.", _l("Must be at most %(max)s.")),
    ("Must be less than {max}.", _l("Must be less than %(max)s.")),
]


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_EXACT = {english: msgid for english, msgid in MESSAGES if "{" not in english}
_PATTERNS = [(_pattern(english), msgid) for english, msgid in MESSAGES if "{" in english]


def translate(message) -> str:
    """The user's-language version of one marshmallow message (unchanged when unknown)."""
    text = str(message)
    if text in _EXACT:
        return str(_EXACT[text])
    for pattern, msgid in _PATTERNS:
        match = pattern.match(text)
        if match:
            return str(msgid) % match.groupdict()
    return text


def translate_errors(errors: dict[str, list]) -> dict[str, list[str]]:
    return {field: [translate(m) for m in reasons] for field, reasons in errors.items()}
