"""Typed settings plugins declare through ``huiwu_settings``, edited by administrators.

CONTRACT (implementation pending)::

    SettingSpec("finance.vat_rate", Decimal, Decimal("0.06"), _l("VAT rate"))
    get(session, "finance.vat_rate")          -> Decimal("0.06") until changed
    set_value(session, "finance.vat_rate", "0.09")  # validated, ValidationFailed naming the key
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingSpec:
    #: ``<plugin>.<name>`` (``core.<name>`` for the kernel's own).
    key: str
    #: str, int, bool, Decimal, or "text" for multi-line text.
    type: object
    default: object
    title: object = ""
    help: object = ""
    #: Optional list of allowed values.
    choices: tuple | None = None
    #: Filled by the kernel.
    plugin: str | None = None


def get(session, key: str):
    raise NotImplementedError


def set_value(session, key: str, value) -> None:
    raise NotImplementedError
