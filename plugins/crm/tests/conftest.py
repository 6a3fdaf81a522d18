"""Fixtures for CRM tests: account managers and customers in a line."""
from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.crm.models import Meeting
from plugins.crm.operations import customers as ops
from plugins.crm.operations import history


@pytest.fixture
def manager(make_user):
    """``manager("li")``: an account manager (sees own customers only)."""

    def make(login):
        return make_user(login, roles=["account_manager"])

    return make


@pytest.fixture
def customer(kernel):
    """``customer(name="…", account_manager_id=…, **fields)`` -> id, created as the system."""

    def make(name, **data):
        with kernel.system_session() as s:
            c, _flags = ops.create_customer(s, {"name": name, **data})
            s.commit()
            return c.id

    return make


@pytest.fixture
def contact(kernel):
    def make(customer_id, name, **data):
        with kernel.system_session() as s:
            c, _flags = ops.create_contact(s, ops.get_customer(s, customer_id), {"name": name, **data})
            s.commit()
            return c.id

    return make


@pytest.fixture
def activity(kernel):
    """``activity(customer_id, meetings=[date, …], payments=[(amount, instant), …])``, then refreshed figures."""

    def add(customer_id, meetings=(), payments=()):
        with kernel.system_session() as s:
            for day in meetings:
                s.add(Meeting(customer_id=customer_id, title=f"{day.year}年会", start_date=day, end_date=day,
                              status="completed"))
            for n, (amount, paid_at) in enumerate(payments):
                history.record_spend(s, customer_id, Decimal(amount), paid_at,
                                     f"test:{customer_id}:{paid_at.isoformat()}:{n}")
            s.flush()
            history.refresh_stats(s, customer_id)
            s.commit()

    return add
