"""Audit rows may be written late (on PostgreSQL, with the COMMIT), but never seen late and
never lost: every statement of the transaction sees them, a rollback drops them with the
change they describe, and a commit that cannot write them saves nothing."""
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from core.audit.models import AuditLog
from core.db import deferred
from core.db.driver import DriverStatement
from core.db.types import utcnow
from core.security.principal import act_as, load_principal
from tests.plugins_for_tests.orm_models import SampleContact, create_tables


@pytest.fixture
def as_clerk(kernel, make_user):
    create_tables(kernel.engine)
    clerk = make_user("zhoujie")
    with kernel.system_session() as s:
        act_as(s, load_principal(s, clerk.id))
        yield s


def logged(session) -> list[str]:
    """Names recorded by inserts of contacts, as ``session``'s transaction sees them."""
    rows = session.scalars(select(AuditLog.changes).where(AuditLog.table_name == "testorm_contact",
                                                          AuditLog.action == "insert").order_by(AuditLog.id))
    return [changes["name"][1] for changes in rows]


def committed(kernel) -> list[str]:
    with kernel.system_session() as s:
        return logged(s)


def test_the_transaction_sees_its_audit_rows_before_it_commits(kernel, as_clerk):
    as_clerk.add(SampleContact(name="周杰"))
    as_clerk.flush()
    assert logged(as_clerk) == ["周杰"]
    as_clerk.commit()
    assert committed(kernel) == ["周杰"]


def test_a_statement_on_the_drivers_cursor_sees_them_too(kernel, as_clerk):
    count = DriverStatement(select(func.count()).select_from(AuditLog).where(
        AuditLog.table_name == "testorm_contact"))
    as_clerk.add(SampleContact(name="吴敏"))
    as_clerk.flush()
    assert count.rows(as_clerk.connection(), {}) == [(1,)]


def test_a_rollback_drops_them_with_the_change(kernel, as_clerk):
    as_clerk.add(SampleContact(name="郑浩"))
    as_clerk.flush()
    as_clerk.rollback()
    as_clerk.add(SampleContact(name="冯丽"))
    as_clerk.commit()
    assert committed(kernel) == ["冯丽"]


def test_a_savepoint_rolled_back_drops_only_what_was_written_inside_it(kernel, as_clerk):
    as_clerk.add(SampleContact(name="陈刚"))
    as_clerk.flush()
    with pytest.raises(RuntimeError), as_clerk.begin_nested():
        as_clerk.add(SampleContact(name="褚红"))
        as_clerk.flush()
        raise RuntimeError("changed my mind")
    with as_clerk.begin_nested():
        as_clerk.add(SampleContact(name="卫东"))
    as_clerk.commit()
    assert committed(kernel) == ["陈刚", "卫东"]


def test_several_flushes_are_all_committed(kernel, as_clerk):
    for name in ("蒋涛", "沈梅", "韩雪"):
        as_clerk.add(SampleContact(name=name))
        as_clerk.flush()
    as_clerk.commit()
    assert committed(kernel) == ["蒋涛", "沈梅", "韩雪"]


def test_a_commit_that_cannot_write_them_saves_nothing(kernel, as_clerk):
    as_clerk.add(SampleContact(name="杨帆"))
    as_clerk.flush()
    row = {"id": 10**9, "at": utcnow(), "user_id": None, "user_login": "x", "action": "insert",
           "table_name": "t", "record_id": "1", "changes": {}}
    statement = DriverStatement(insert(AuditLog), column_keys=list(row))
    refused = (DBAPIError, kernel.engine.dialect.loaded_dbapi.Error)
    with pytest.raises(refused):  # the same id twice: refused at once, or with the commit
        deferred.write_later(as_clerk.connection(), statement, [row, row])
        as_clerk.commit()
    as_clerk.rollback()
    assert committed(kernel) == []
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.table_name == "t")) == 0
