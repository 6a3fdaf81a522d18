"""The CRM's settings and the one place that reads them.

Until the kernel's settings service is available, ``get`` raises
``NotImplementedError`` and the declared default is used.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from core.services import settings as core_settings
from core.services.settings import SettingSpec

RFM_WINDOW = "crm.rfm_window_months"
VIP_THRESHOLD = "crm.vip_threshold"
NAME_SIMILARITY = "crm.duplicate_name_similarity"

SPECS = [
    SettingSpec(RFM_WINDOW, int, 24, _l("RFM window (months)"),
                _l("Frequency and monetary value count meetings and payments of this many months.")),
    SettingSpec(VIP_THRESHOLD, Decimal, Decimal(500000), _l("VIP threshold (CNY)"),
                _l("The VIP tag rule created at installation tags customers who paid at least this "
                   "much in the last 12 months.")),
    SettingSpec(NAME_SIMILARITY, int, 90, _l("Duplicate name similarity (%)"),
                _l("A new customer whose name is at least this similar to an existing one is flagged.")),
]
_DEFAULTS = {spec.key: spec.default for spec in SPECS}


def setting(session, key: str):
    try:
        value = core_settings.get(session, key)
    except NotImplementedError:
        return _DEFAULTS[key]
    return _DEFAULTS[key] if value is None else value
