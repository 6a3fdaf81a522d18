"""Every change of an audited row lands in core_audit_log: who, when, from what to what."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from core.audit.models import AuditLog
from core.db.types import utcnow
from core.security.principal import act_as, load_principal
from tests.plugins_for_tests.orm_models import SampleContact, create_tables


@pytest.fixture
def clerk(kernel, make_user):
    create_tables(kernel.engine)
    return make_user("huangmin")


@pytest.fixture
def as_clerk(kernel, clerk):
    with kernel.system_session() as s:
        act_as(s, load_principal(s, clerk.id))
        yield s


def trail(kernel, record_id=None):
    with kernel.system_session() as s:
        query = select(AuditLog).where(AuditLog.table_name == "testorm_contact").order_by(AuditLog.id)
        if record_id is not None:
            query = query.where(AuditLog.record_id == str(record_id))
        return [(a.action, a.user_login, a.changes) for a in s.scalars(query)]


def test_insert_update_and_delete_are_recorded_with_user_and_values(kernel, as_clerk, clerk):
    person = SampleContact(name="孙燕", fee=Decimal("800.00"), pin="4321")
    as_clerk.add(person)
    as_clerk.commit()
    person.name, person.fee = "孙燕（财务）", Decimal("950.50")
    as_clerk.commit()
    as_clerk.delete(person)
    as_clerk.commit()

    assert trail(kernel, person.id) == [
        ("insert", "huangmin", {"name": [None, "孙燕"], "fee": [None, "800.00"], "pin": [None, "***"]}),
        ("update", "huangmin", {"name": ["孙燕", "孙燕（财务）"], "fee": ["800.00", "950.50"]}),
        ("delete", "huangmin", {"name": ["孙燕（财务）", None], "fee": ["950.50", None], "pin": ["***", None]}),
    ]
    with kernel.system_session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "insert",
                                                 AuditLog.table_name == "testorm_contact")).one()
        assert entry.user_id == clerk.id
        assert utcnow() - entry.at < timedelta(minutes=1)


def test_encrypted_and_masked_columns_show_only_that_they_changed(kernel, as_clerk):
    person = SampleContact(name="徐军", phone="13500001234", pin="0000")
    as_clerk.add(person)
    as_clerk.commit()
    person.phone, person.pin = "13500009999", "1111"
    as_clerk.commit()
    changes = [c for _action, _user, c in trail(kernel)]
    assert changes == [{"name": [None, "徐军"], "phone": [None, "***"], "pin": [None, "***"]},
                       {"phone": ["***", "***"], "pin": ["***", "***"]}]
    assert "13500001234" not in str(changes) and "0000" not in str(changes)


def test_a_rolled_back_change_leaves_no_audit_row(kernel, as_clerk):
    as_clerk.add(SampleContact(name="杨明"))
    as_clerk.flush()
    as_clerk.rollback()
    assert trail(kernel) == []


def test_an_unchanged_save_records_nothing(kernel, as_clerk):
    person = SampleContact(name="周强")
    as_clerk.add(person)
    as_clerk.commit()
    person.name = "周强"
    as_clerk.commit()
    assert [action for action, _user, _c in trail(kernel)] == ["insert"]


def test_the_before_value_is_right_even_when_the_session_had_forgotten_it(kernel, as_clerk):
    person = SampleContact(name="吴丽", fee=Decimal("10.00"))
    as_clerk.add(person)
    as_clerk.commit()
    as_clerk.expire(person)
    person.fee = Decimal("20.00")  # set without loading the old value first
    as_clerk.commit()
    as_clerk.expire(person)
    as_clerk.delete(person)
    as_clerk.commit()
    assert [c for _a, _u, c in trail(kernel)][1:] == [
        {"fee": ["10.00", "20.00"]},
        {"name": ["吴丽", None], "fee": ["20.00", None]},
    ]


def test_bulk_update_and_delete_statements_are_recorded_row_by_row(kernel, as_clerk):
    as_clerk.add_all([SampleContact(name="甲", fee=Decimal("1.00")), SampleContact(name="乙", fee=Decimal("2.00")),
                      SampleContact(name="丙", fee=Decimal("3.00"))])
    as_clerk.commit()
    as_clerk.execute(update(SampleContact).where(SampleContact.fee < Decimal(3)).values(fee=SampleContact.fee * 10))
    as_clerk.execute(delete(SampleContact).where(SampleContact.name == "丙"))
    as_clerk.commit()

    bulk = [(action, c) for action, _user, c in trail(kernel)][3:]
    assert bulk == [("update", {"fee": ["1.00", "10.00"]}), ("update", {"fee": ["2.00", "20.00"]}),
                    ("delete", {"name": ["丙", None], "fee": ["3.00", None]})]
    # the version counter moved too, so a form opened before the bulk update is stale now
    assert sorted(as_clerk.scalars(select(SampleContact.version))) == [2, 2]
