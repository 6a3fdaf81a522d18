"""Statements run on the driver's cursor read and write what ``Connection.execute`` would."""
from datetime import timedelta

import pytest
from sqlalchemy import Boolean, bindparam, insert, literal, null, select, union_all

from core.audit.models import AuditLog
from core.db.driver import DriverStatement
from core.db.types import utcnow
from core.security.models import User


@pytest.fixture
def users(kernel, make_user):
    return [make_user("li").id, make_user("wang").id]


def test_rows_match_what_sqlalchemy_returns(kernel, users):
    statement = union_all(
        select(literal("u"), User.id, User.login, User.updated_at).where(User.id == bindparam("uid")),
        select(literal("n"), User.id, null(), User.created_at)
        .where(User.id != bindparam("uid"), User.created_at > bindparam("since")),
    )
    params = {"uid": users[0], "since": utcnow() - timedelta(days=1)}
    with kernel.system_session() as s:
        conn = s.connection()
        expected = sorted(tuple(r) for r in conn.execute(statement, params))
        got = sorted(DriverStatement(statement).rows(conn, params))
    assert got == expected
    assert {r[0] for r in got} == {"u", "n"} and got[-1][3].tzinfo is not None  # UTC datetimes, as mapped


def test_rows_left_as_stored_compare_alike_and_read_as_mapped_when_asked(kernel, users):
    statement = DriverStatement(select(User.id, User.updated_at).where(User.id == bindparam("uid")),
                                as_stored=True)
    with kernel.system_session() as s:
        conn = s.connection()
        expected = conn.execute(statement.statement, {"uid": users[0]}).one()
        stored = statement.rows(conn, {"uid": users[0]})
        assert stored == statement.rows(conn, {"uid": users[0]})
        assert statement.processed(conn, stored[0]) == tuple(expected)


def test_in_lists_are_refused(kernel):
    statement = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    with kernel.system_session() as s, pytest.raises(ValueError):
        DriverStatement(statement).rows(s.connection(), {"ids": [1]})


def test_inserts_write_what_sqlalchemy_writes(kernel):
    now = utcnow()
    rows = [{"at": now, "user_id": None, "user_login": "system", "action": "insert", "table_name": "t",
             "record_id": str(n), "changes": {"title": [None, f"第{n}条"]}} for n in range(3)]
    statement = DriverStatement(insert(AuditLog), column_keys=list(rows[0]))
    with kernel.system_session() as s:
        statement.execute_many(s.connection(), rows[:1])
        statement.execute_many(s.connection(), rows[1:])
        s.commit()
        stored = s.execute(select(AuditLog.at, AuditLog.record_id, AuditLog.changes)
                           .where(AuditLog.table_name == "t").order_by(AuditLog.id)).all()
    assert [(r.record_id, r.changes) for r in stored] == [(str(n), {"title": [None, f"第{n}条"]}) for n in range(3)]
    assert all(abs((r.at - now).total_seconds()) < 1e-3 for r in stored)


def test_a_row_with_a_value_left_out_binds_null_and_an_unknown_key_is_refused(kernel):
    statement = DriverStatement(insert(AuditLog), column_keys=[
        "at", "user_id", "user_login", "action", "table_name", "record_id", "changes"])
    row = {"at": utcnow(), "user_login": "system", "action": "insert", "table_name": "t2",
           "record_id": "1", "changes": {}}
    with kernel.system_session() as s:
        statement.execute_many(s.connection(), [row])  # user_id left out: NULL, as SQLAlchemy binds it
        with pytest.raises(KeyError):
            statement.execute_many(s.connection(), [{**row, "user": 1}])
        s.commit()
        assert s.execute(select(AuditLog.user_id, AuditLog.changes).where(AuditLog.table_name == "t2")).one() \
            == (None, {})


def test_a_query_of_literals_only_reads_what_sqlalchemy_reads(kernel):
    statement = select(literal("e"), literal(7))
    with kernel.system_session() as s:
        conn = s.connection()
        assert DriverStatement(statement).rows(conn, {}) == [tuple(conn.execute(statement).one())]


def test_a_query_that_starts_its_transaction_reads_the_same_rows_and_opens_it(kernel, users):
    """On PostgreSQL the BEGIN and such a query go in one round trip; nothing else changes."""
    statement = select(literal("u"), User.id, User.login, User.updated_at, User.active).where(
        User.id == bindparam("uid"))
    with kernel.system_session() as s:
        first = DriverStatement(statement).rows(s.connection(), {"uid": users[0]})
        assert first == [tuple(r) for r in s.connection().execute(statement, {"uid": users[0]})]
        s.get(User, users[0]).login = "renamed"
        s.flush()
        s.rollback()  # the transaction the query opened: nothing of it is kept
    with kernel.system_session() as s:
        assert s.get(User, users[0]).login == "li"


def test_a_prepared_query_the_server_forgot_is_prepared_again(kernel, users):
    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL prepares the query that starts a transaction")
    from core.db import batched

    statement = DriverStatement(select(User.login).where(User.id == bindparam("uid")))
    for _ in range(3):
        with kernel.system_session() as s:
            conn = s.connection()
            assert statement.rows(conn, {"uid": users[0]}) == [("li",)]
            driver = conn.connection.driver_connection
            name = batched._prepared[driver][statement._plan(conn).sql].name
            conn.exec_driver_sql(f"DEALLOCATE {name.decode()}")  # as a reset server session would
            s.commit()


def test_a_query_that_starts_its_transaction_reads_each_run_s_own_values(kernel, users):
    """The last EXECUTE of a prepared query is sent again only for the very same values."""
    statement = DriverStatement(select(User.login, literal("x")).where(User.id == bindparam("uid")))
    for uid, login in [(users[0], "li"), (users[1], "wang"), (users[1], "wang"), (users[0], "li")]:
        with kernel.system_session() as s:
            assert statement.rows(s.connection(), {"uid": uid}) == [(login, "x")]
    flag = DriverStatement(select(literal("y")).where(bindparam("on", type_=Boolean)))
    for value in (True, False):
        with kernel.system_session() as s:
            assert flag.rows(s.connection(), {"on": value}) == ([("y",)] if value else [])


def test_statements_sent_with_the_commit_are_bound_as_psycopg_binds_them(kernel):
    """The audit rows that go with a COMMIT are written as literals: exactly what psycopg's own
    client-side binding (``ClientCursor.mogrify``) makes of the same values."""
    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL sends statements with the COMMIT")
    from datetime import date
    from decimal import Decimal

    from psycopg import ClientCursor

    from core.db import batched

    sql = ("INSERT INTO t (a, b, c, d) VALUES (%(at)s::TIMESTAMP WITH TIME ZONE, %(n)s, %(text)s, 'x%%y') "
           "-- %(text)s once more, %(none)s")
    with kernel.engine.connect() as conn:
        driver = conn.connection.driver_connection
        for params in ({"at": utcnow(), "n": 52, "text": "it's \\ a '签到'", "none": None},
                       {"at": date(2026, 1, 2), "n": Decimal("1.50"), "text": '{"a": [null, "签"]}', "none": True}):
            assert batched._literal(driver, sql, params) == \
                ClientCursor(driver).mogrify(sql, params).encode(driver.info.encoding)


def test_a_connection_that_ran_in_autocommit_goes_back_to_the_bare_begin(kernel):
    """The sequences take numbers in AUTOCOMMIT; the connection must come back as it was, or every
    later transaction on it would lose the epoch read sent with its BEGIN."""
    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL sends the epoch read with the BEGIN")
    from core.db import batched

    with kernel.engine.connect() as conn:
        driver = conn.connection.driver_connection
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("SELECT 1")
        assert not batched.plain(driver)
    assert driver.isolation_level is None and batched.plain(driver)
