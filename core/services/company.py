"""The agency's own company profile, printed on contracts, bills and reports.

Kept as kernel settings (``core.company.*``) so an administrator edits it on
the Settings page; plugins read it in one call::

    profile(session).name, profile(session).tax_number, logo_bytes(session)
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.services import attachments, settings
from core.services.settings import SettingSpec

SECTION = _l("Company profile")

#: Characters of a unified social credit code, in the order that gives their value.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (统一社会信用代码), or None.

    An empty code is accepted (not filled in yet). The last character is a
    check character over the first 17 (GB 32100-2015), which catches typos.
    """
    if not code:
        return None
    code = code.upper()
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return _("a unified social credit code has 18 digits and capital letters.")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    expected = USCC_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return _("the check character does not match; please check the code for typos.")
    return None


SETTINGS = [
    SettingSpec("core.company.name", str, "", _l("Company name"),
                _l("The full registered name, as printed on contracts."), section=SECTION),
    SettingSpec("core.company.address", "text", "", _l("Address"), section=SECTION),
    SettingSpec("core.company.phone", str, "", _l("Phone"), section=SECTION),
    SettingSpec("core.company.tax_number", str, "", _l("Unified social credit code"),
                _l("The 18-character tax number on the business licence."),
                check=uscc_problem, normalise=str.upper, section=SECTION),
    SettingSpec("core.company.bank_name", str, "", _l("Bank"),
                _l("The bank and branch where the company account is held."), section=SECTION),
    SettingSpec("core.company.bank_account", str, "", _l("Bank account"), section=SECTION),
    SettingSpec("core.company.logo", "attachment", None, _l("Logo"),
                _l("A PNG or JPEG image, shown on contracts and reports."), section=SECTION),
]

KEYS = [s.key for s in SETTINGS]


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    address: str
    phone: str
    #: 统一社会信用代码
    tax_number: str
    bank_name: str
    bank_account: str
    #: ``core_attachment.id`` of the logo, or None.
    logo_id: int | None


def profile(session) -> CompanyProfile:
    """The company profile as an administrator entered it (empty strings where not yet)."""
    v = settings.values(session, KEYS)
    return CompanyProfile(
        name=v["core.company.name"], address=v["core.company.address"], phone=v["core.company.phone"],
        tax_number=v["core.company.tax_number"], bank_name=v["core.company.bank_name"],
        bank_account=v["core.company.bank_account"], logo_id=v["core.company.logo"],
    )


def logo_bytes(session) -> bytes | None:
    """The logo's bytes for a PDF or a page, or None when there is none."""
    logo_id = profile(session).logo_id
    if logo_id is None:
        return None
    att = attachments.get_attachment(session, logo_id)
    return attachments.read_bytes(session, att) if att is not None else None
