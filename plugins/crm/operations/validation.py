"""Checks and normal forms of the identifiers a Chinese customer record carries.

* 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters
  from a 31-character alphabet, the last a check character over the first 17.
* Mainland mobile numbers: 11 digits starting 13-19, optionally written with
  +86 / 0086, spaces or dashes.

Each ``normalise_*`` returns the stored form or raises ``ValidationFailed``
naming the field; ``*_index`` returns the blind index used for exact lookups.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from core.db.types import blind_index
from core.errors import ValidationFailed

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: Legal-form words and punctuation that do not tell two companies apart.
_NAME_NOISE = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|股份|分公司|公司|科技|实业|控股|国际|"
    r"co\.?,?\s*ltd\.?|limited|inc\.?|corp\.?|corporation|company|group)",
    re.IGNORECASE)
_PUNCT = re.compile(r"[\s\(\)（）·,，.。、&'\"-]+")


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(ch not in CREDIT_ALPHABET for ch in code):
        return False
    return credit_check_char(code[:17]) == code[17]


def normalise_credit_code(value: str | None) -> str | None:
    code = (value or "").strip().upper().replace(" ", "")
    if not code:
        return None
    if not is_valid_credit_code(code):
        raise ValidationFailed(
            _l("%(code)s is not a valid unified social credit code (18 characters with a correct "
               "check character).", code=code), field="credit_code")
    return code


def normalise_mobile(value: str | None) -> str | None:
    digits = re.sub(r"[\s\-()]", "", value or "")
    if not digits:
        return None
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if not MOBILE_RE.match(digits):
        raise ValidationFailed(
            _l("%(value)s is not a mainland China mobile number (11 digits starting with 13 to 19).",
               value=value), field="mobile")
    return digits


def normalise_email(value: str | None) -> str | None:
    email = (value or "").strip()
    if not email:
        return None
    if not EMAIL_RE.match(email):
        raise ValidationFailed(_l("%(value)s is not an e-mail address.", value=value), field="email")
    return email


def mobile_index(value: str | None) -> str | None:
    """Blind index of a mobile number in any accepted spelling."""
    if not value:
        return None
    return blind_index(normalise_mobile(value), normalise=lambda v: v)


def email_index(value: str | None) -> str | None:
    return blind_index(value)


def wechat_index(value: str | None) -> str | None:
    return blind_index(value)


def id_number_index(value: str | None) -> str | None:
    return blind_index(value, normalise=lambda v: v.strip().upper())


def name_key(name: str | None) -> str:
    """``北京华信医药股份有限公司`` and ``北京华信医药科技有限公司`` share the key ``北京华信医药``.

    Legal forms and filler words (科技, 实业, 控股, 国际) do not tell companies apart.
    """
    text = _NAME_NOISE.sub("", name or "")
    return _PUNCT.sub("", text).lower()[:200]
