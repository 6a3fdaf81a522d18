"""Reasons kept as JSON, so a proposal stored today is read tomorrow in the reader's language.

A ``Reason`` is a code and values; values may be numbers, text, other
reasons, lists of them, or a ``Term`` (a code of one of the plugin's
vocabularies, like a layout, shown by its label). In JSON::

    {"code": "too_small", "args": {"need": 600, "largest": 500}}
    {"term": "layout", "code": "banquet"}

Nothing here is translated when stored; ``str()`` of what ``load`` gives
back translates it at that moment.
"""
from __future__ import annotations

from dataclasses import dataclass

from plugins.resources.models.choices import KINDS, LAYOUTS
from plugins.resources.operations.allocation import Reason

VOCABULARIES = {"kind": KINDS, "layout": LAYOUTS}


@dataclass(frozen=True)
class Term:
    """A vocabulary's code inside a reason, shown by its label in the current language."""

    vocabulary: str
    code: str

    def __str__(self) -> str:
        return str(VOCABULARIES[self.vocabulary].get(self.code, self.code))


def dump(value):
    """A reason (or a value inside one) as plain JSON."""
    if isinstance(value, Reason):
        return {"code": value.code, "args": {key: dump(v) for key, v in value.params}}
    if isinstance(value, Term):
        return {"term": value.vocabulary, "code": value.code}
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def load(value):
    """What ``dump`` wrote, as reasons and terms again (an unknown code is kept as its text)."""
    if isinstance(value, dict):
        if "term" in value:
            return Term(value["term"], value["code"])
        try:
            return Reason.of(value["code"], **{key: load(v) for key, v in value.get("args", {}).items()})
        except KeyError:  # a code a later version dropped: say what it was rather than fail
            return value.get("code", "")
    if isinstance(value, list):
        return tuple(load(v) for v in value)
    return value


def dump_all(reasons) -> list:
    return [dump(r) for r in reasons]


def load_all(rows) -> tuple:
    return tuple(load(r) for r in rows or ())
