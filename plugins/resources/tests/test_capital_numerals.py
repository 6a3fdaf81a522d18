"""Amounts in capital numerals, as a bank reads them on a contract (no database needed)."""
from decimal import Decimal

import pytest

from plugins.resources.operations.capital_numerals import rmb_capitals, to_cents


@pytest.mark.parametrize(("amount", "capitals"), [
    # the examples of the brief and of the payment rules
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100", "壹佰元整"),
    ("0", "零元整"),
    ("1005.5", "壹仟零伍元伍角"),
    ("100000000", "壹亿元整"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    # 拾 keeps its digit; trailing zeros say nothing
    ("10", "壹拾元整"),
    ("110", "壹佰壹拾元整"),
    ("1010", "壹仟零壹拾元整"),
    ("20000000.00", "贰仟万元整"),
    # zeros across the 万 and 亿 boundaries
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("100100", "壹拾万零壹佰元整"),
    ("1000010", "壹佰万零壹拾元整"),
    ("10000001", "壹仟万零壹元整"),
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("400006983", "肆亿零陆仟玖佰捌拾叁元整"),
    ("1000000000000", "壹万亿元整"),
    ("1000000010000", "壹万亿零壹万元整"),
    ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # below one yuan: no 元, no leading 零
    ("0.5", "伍角"),
    ("0.05", "伍分"),
    ("0.55", "伍角伍分"),
    ("0.01", "壹分"),
    # 角 without 分 needs no 整; 分 without 角 needs 零
    ("200.10", "贰佰元壹角"),
    ("10.05", "壹拾元零伍分"),
    ("100000000.10", "壹亿元壹角"),
])
def test_capitals_follow_the_payment_rules(amount, capitals):
    assert rmb_capitals(Decimal(amount)) == capitals


def test_ints_and_numeric_strings_are_money_too():
    assert rmb_capitals(3000) == "叁仟元整"
    assert rmb_capitals("88.80") == "捌拾捌元捌角"


def test_fractions_of_a_cent_round_half_up_like_money():
    assert rmb_capitals(Decimal("1.005")) == "壹元零壹分"
    assert rmb_capitals(Decimal("1.004")) == "壹元整"
    assert rmb_capitals(Decimal("9.995")) == "壹拾元整"
    assert to_cents("2.675") == Decimal("2.68")  # a float would give 2.67


def test_a_negative_amount_is_prefixed_fu_and_minus_zero_is_zero():
    assert rmb_capitals(Decimal("-100.5")) == "负壹佰元伍角"
    assert rmb_capitals(Decimal("-0.001")) == "零元整"


@pytest.mark.parametrize(("amount", "error"), [
    (1005.5, TypeError),
    (True, TypeError),
    ("12,00", ValueError),
    ("NaN", ValueError),
    (Decimal("Infinity"), ValueError),
    (Decimal("1E16"), ValueError),
])
def test_what_is_not_an_amount_is_refused(amount, error):
    with pytest.raises(error):
        rmb_capitals(amount)
