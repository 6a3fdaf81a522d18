"""A query run on the driver's cursor gives the rows ``Connection.execute`` gives."""
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, literal, null, select, union_all

from core.db.driver import DriverQuery
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
        got = sorted(DriverQuery(statement).rows(conn, params))
    assert got == expected
    assert {r[0] for r in got} == {"u", "n"} and got[-1][3].tzinfo is not None  # UTC datetimes, as mapped


def test_in_lists_are_refused(kernel):
    statement = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    with kernel.system_session() as s, pytest.raises(ValueError):
        DriverQuery(statement).rows(s.connection(), {"ids": [1]})
