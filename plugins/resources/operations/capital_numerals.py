"""An amount of money in capital Chinese numerals (大写金额), as contracts and bills print it.

The capitals exist so that an amount cannot be altered by adding a stroke,
and banks refuse a document whose figures and capitals disagree. The rules
followed are those for bills and settlement documents of the People's Bank of
China (正确填写票据和结算凭证的基本规定):

- a zero between non-zero digits is written once as 零, however many zeros
  there are: 1005.50 is 壹仟零伍元伍角, 100000001 is 壹亿零壹元整;
- a zero at the 万 or 元 place before a non-zero thousand or 角 may be left
  out, and is: 107000 is 壹拾万柒仟元整, 1680.32 is 壹仟陆佰捌拾元叁角贰分;
- 角 zero but 分 not: 零 after 元 (16409.02 is 壹万陆仟肆佰零玖元零贰分);
- an amount that ends at 元 ends with 整; one that ends at 角 may omit it and
  does; one that ends at 分 never has it;
- 拾 always carries its digit (壹拾元整, not 拾元整).

    >>> rmb_capitals(Decimal("12345.67"))
    '壹万贰仟叁佰肆拾伍元陆角柒分'

Written here rather than taken from a library: it is twenty lines of our
domain's rules, and the candidates on the package index bring a text
pre-processing dependency and truncate fractions of a cent instead of
rounding them as money is rounded.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
#: Units inside a group of four digits, from the thousands down.
PLACES = ("仟", "佰", "拾", "")
CENT = Decimal("0.01")
#: 10**16 would need 亿亿, which no contract reaches; refusing is safer than guessing.
LIMIT = Decimal(10) ** 16


def to_cents(amount) -> Decimal:
    """``amount`` as a Decimal rounded half up to the cent (float refused: it is not money)."""
    if isinstance(amount, float | bool):
        raise TypeError(f"amount must be a Decimal, int or str, not {type(amount).__name__}")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"amount {amount!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"amount {amount!r} is not a finite number")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rmb_capitals(amount) -> str:
    """``amount`` (yuan; Decimal, int or numeric str) in capital numerals, rounded half up to the cent.

    A negative amount is prefixed 负 (a refund or credit note prints so).
    """
    value = to_cents(amount)
    if abs(value) >= LIMIT:
        raise ValueError(f"amount {amount!r} is too large to write in capital numerals")
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    words = _integer(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return sign + words + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return sign + words


def _integer(n: int) -> str:
    """A positive whole number below 10**16 in capitals, split at 亿 and then at 万."""
    for base, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= base:
            high, rest = divmod(n, base)
            tail = ""
            if rest:
                # A zero follows the unit only when the rest does not fill the next thousand's place.
                tail = ("零" if rest < base // 10 else "") + _integer(rest)
            return _integer(high) + unit + tail
    return _group(n)


def _group(n: int) -> str:
    """A number from 1 to 9999 in capitals; inner zeros become one 零, trailing zeros nothing."""
    out, pending_zero = "", False
    for digit, place in zip(f"{n:04d}", PLACES):
        if digit == "0":
            pending_zero = bool(out)
            continue
        out += ("零" if pending_zero else "") + DIGITS[int(digit)] + place
        pending_zero = False
    return out
