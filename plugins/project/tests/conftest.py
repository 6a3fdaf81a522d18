"""Fixtures for project tests: a customer, staff in departments, a project in a line."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.events import Handler
from core.security.principal import act_as, load_principal
from plugins.crm.operations import customers as crm
from plugins.project.handlers import EVENTS
from plugins.project.operations import projects

START = datetime(2030, 5, 20, 1, 0, tzinfo=UTC)


@pytest.fixture
def customer_id(kernel):
    with kernel.system_session() as s:
        c, _flags = crm.create_customer(s, {"name": "上海云途网络科技有限公司"})
        s.commit()
        return c.id


@pytest.fixture
def staff(make_user):
    """``staff("lina", "VENUE")``: a member of department ``VENUE`` with the staff role."""

    def make(login, department, roles=("department_staff",)):
        return make_user(login, roles=roles, departments=[department])

    return make


@pytest.fixture
def pm(make_user):
    return make_user("zhangwei", roles=["project_manager"], departments=["PM"])


@pytest.fixture
def new_project(kernel, customer_id):
    """``new_project(manager_id=..., requirements=[...])`` -> project id, created as the system."""

    def make(**data):
        values = {"name": "2030 年度经销商大会", "customer_id": customer_id, "start_at": START,
                  "end_at": START + timedelta(days=2), "city": "杭州", "venue": "西湖国宾馆",
                  "attendance": 300, "requirements": [{"category": "catering", "details": "午餐自助"}],
                  "order_lines": [{"service": "会场租赁", "quantity": 2, "unit_price": "30000"}], **data}
        with kernel.system_session() as s:
            project = projects.create_project(s, values)
            s.commit()
            return project.id

    return make


@pytest.fixture
def session_as(kernel):
    """``session_as(user)``: a session acting as ``user``, as a request of theirs would.

    On SQLite every transaction locks the file: commit (or roll back) one
    session before another one touches the database.
    """
    opened = []

    def make(user):
        s = kernel.session.session_factory(expire_on_commit=False)
        act_as(s, load_principal(s, user.id))
        s.commit()
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.rollback()
        s.close()


@pytest.fixture
def events(kernel):
    """Every project event emitted during the test, as ``events["project.confirmed"] -> [payload, ...]``."""
    seen: dict[str, list] = {}
    handlers = [Handler(e.name, lambda _s, payload, _n=e.name: seen.setdefault(_n, []).append(payload),
                        name=f"test.{e.name}") for e in EVENTS]
    for handler in handlers:
        kernel.bus.connect(handler)
    yield seen
    for handler in handlers:
        kernel.bus.disconnect(handler)
