"""Settings: typed defaults until an administrator changes them, validated, never silently overwritten."""
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from core.errors import Conflict, ValidationFailed
from core.services import company, settings
from core.services.models import Setting
from core.services.settings import SettingSpec

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def declare(kernel):
    """``declare(spec, plugin)`` adds a setting for this test, as a plugin's hook would."""
    added = []

    def add(spec, plugin=None):
        [spec] = settings.collect(_Registry([(plugin, spec)] if plugin else []), [] if plugin else [spec]).values()
        kernel.setting_specs[spec.key] = spec
        added.append(spec.key)
        return spec

    yield add
    for key in added:
        kernel.setting_specs.pop(key, None)


class _Registry:
    def __init__(self, pairs):
        self.pairs = pairs

    def contributions(self, hook):
        return self.pairs


VAT = SettingSpec("example.vat_rate", Decimal, Decimal("0.06"), "VAT rate", min_value=0, max_value=1)
PAPER = SettingSpec("example.paper", str, "A4", "Paper size", choices=(("A4", "A4"), ("A5", "A5")))
REMIND = SettingSpec("example.remind", bool, True, "Send reminders")


def test_default_until_set_then_typed_value(db, declare):
    declare(VAT, "example")
    assert settings.get(db, "example.vat_rate") == Decimal("0.06")
    assert settings.get(db, "core.upload.max_mb") == 20
    settings.set_value(db, "example.vat_rate", "0.09")
    settings.set_value(db, "core.upload.max_mb", "30")
    db.commit()
    assert settings.get(db, "example.vat_rate") == Decimal("0.09")
    assert settings.get(db, "core.upload.max_mb") == 30
    stored = dict(db.execute(select(Setting.key, Setting.value)).all())
    assert stored == {"example.vat_rate": "0.09", "core.upload.max_mb": 30}


def test_settings_are_read_once_per_transaction_and_a_change_made_in_it_counts(kernel, db, declare):
    declare(VAT, "example")
    statements = []
    listener = lambda _conn, _cursor, statement, *_args: statements.append(statement)
    event.listen(kernel.engine, "before_cursor_execute", listener)
    try:
        assert settings.get(db, "example.vat_rate") == Decimal("0.06")
        assert settings.get(db, "core.upload.max_mb") == 20
        assert len([s for s in statements if "FROM core_setting" in s]) == 1
        settings.set_value(db, "example.vat_rate", "0.09")
        assert settings.get(db, "example.vat_rate") == Decimal("0.09")
        savepoint = db.begin_nested()
        settings.set_value(db, "example.vat_rate", "0.13")
        assert settings.get(db, "example.vat_rate") == Decimal("0.13")
        savepoint.rollback()
        assert settings.get(db, "example.vat_rate") == Decimal("0.09")  # what the savepoint read went with it
        db.commit()
        with kernel.system_session() as other:  # a new transaction reads again
            assert settings.get(other, "example.vat_rate") == Decimal("0.09")
    finally:
        event.remove(kernel.engine, "before_cursor_execute", listener)


@pytest.mark.parametrize("key, value", [
    ("example.vat_rate", "six percent"),
    ("example.vat_rate", "1.5"),
    ("example.paper", "Letter"),
    ("example.remind", "perhaps"),
    ("core.upload.max_mb", "0"),
    ("core.upload.max_mb", "2.5"),
    ("core.company.tax_number", "91350100M000100Y44"),
])
def test_invalid_values_are_refused_naming_the_key(db, declare, key, value):
    for spec in (VAT, PAPER, REMIND):
        declare(spec, "example")
    with pytest.raises(ValidationFailed) as refused:
        settings.set_value(db, key, value)
    assert refused.value.field == key
    assert list(refused.value.errors) == [key]
    assert db.execute(select(Setting)).first() is None


def test_choices_booleans_lists_and_normalising(db, declare):
    declare(PAPER, "example")
    declare(REMIND, "example")
    settings.set_value(db, "example.paper", "A5")
    settings.set_value(db, "example.remind", "false")
    settings.set_value(db, "core.upload.allowed_extensions", ".PDF， docx、png")
    settings.set_value(db, "core.company.tax_number", VALID_USCC.lower())
    assert settings.values(db, ["example.paper", "example.remind", "core.upload.allowed_extensions",
                                "core.company.tax_number"]) == {
        "example.paper": "A5", "example.remind": False,
        "core.upload.allowed_extensions": ["docx", "pdf", "png"],
        "core.company.tax_number": VALID_USCC,
    }


def test_a_stale_edit_is_a_conflict(kernel, declare):
    declare(VAT, "example")
    with kernel.system_session() as s:
        seen = settings.versions(s, ["example.vat_rate"])["example.vat_rate"]
    with kernel.system_session() as s:  # someone else saves first
        settings.set_value(s, "example.vat_rate", "0.09", version=seen)
        s.commit()
    with kernel.system_session() as s, pytest.raises(Conflict) as conflict:
        settings.set_value(s, "example.vat_rate", "0.13", version=seen)
    assert list(conflict.value.errors) == ["example.vat_rate"]
    with kernel.system_session() as s:
        assert settings.get(s, "example.vat_rate") == Decimal("0.09")


def test_declarations_are_checked_at_start_up():
    with pytest.raises(ValueError, match="crm declares setting 'finance.rate' outside its prefix"):
        settings.collect(_Registry([("crm", SettingSpec("finance.rate", int, 1))]))
    with pytest.raises(ValueError, match="'crm.days' of crm: default refused"):
        settings.collect(_Registry([("crm", SettingSpec("crm.days", int, 0, min_value=1))]))
    with pytest.raises(ValueError, match="unknown type"):
        settings.collect(_Registry([("crm", SettingSpec("crm.when", float, 1.0))]))
    specs = settings.collect(_Registry([("crm", SettingSpec("crm.days", int, 7))]))
    assert specs["crm.days"].plugin == "crm"


def test_company_profile(db):
    assert company.profile(db).name == ""
    settings.update(db, {"core.company.name": "上海会务会展服务有限公司", "core.company.tax_number": VALID_USCC,
                         "core.company.bank_name": "招商银行上海分行", "core.company.bank_account": "1219 0123 4567 890"})
    profile = company.profile(db)
    assert (profile.name, profile.tax_number, profile.bank_name) == (
        "上海会务会展服务有限公司", VALID_USCC, "招商银行上海分行")
    assert profile.logo_id is None and company.logo_bytes(db) is None


def test_the_unified_social_credit_code_check():
    assert company.uscc_problem(VALID_USCC) is None
    assert company.uscc_problem("") is None
    assert company.uscc_problem("91350100M000100Y4") is not None  # 17 characters
    assert company.uscc_problem("91350100M000100YI3") is not None  # I is not used
