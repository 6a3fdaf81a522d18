"""Credit codes and mobile numbers are checked wherever a customer or contact is written."""
import pytest

from core.errors import ValidationFailed
from plugins.crm.models import Contact, Customer
from plugins.crm.operations.validation import (
    is_valid_credit_code,
    name_key,
    normalise_credit_code,
    normalise_mobile,
)

VALID = "91350100M000100Y43"  # a published example of GB 32100-2015


def test_credit_code_check_character():
    assert is_valid_credit_code(VALID)
    assert is_valid_credit_code("91440300192179585N")
    assert not is_valid_credit_code("91350100M000100Y44")  # last character wrong
    assert not is_valid_credit_code("91350100M000100Y4")  # 17 characters
    assert not is_valid_credit_code("91350100M0001O0Y43")  # O is not in the alphabet


def test_credit_code_is_normalised_and_refused_with_the_field():
    assert normalise_credit_code(" 91350100m000100y43 ") == VALID
    assert normalise_credit_code("") is None
    with pytest.raises(ValidationFailed) as err:
        Customer(name="X", credit_code="91350100M000100Y44")
    assert err.value.field == "credit_code"


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000"])
def test_mobile_spellings(raw):
    assert normalise_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "010-12345678", "abc"])
def test_bad_mobiles_are_refused(raw, kernel):
    with pytest.raises(ValidationFailed) as err:
        Contact(name="王伟", mobile=raw)
    assert err.value.field == "mobile"


def test_name_key_ignores_legal_form():
    assert name_key("北京华信医药股份有限公司") == name_key("北京华信医药有限公司") == "北京华信医药"
    assert name_key("Acme Co., Ltd.") == "acme"
