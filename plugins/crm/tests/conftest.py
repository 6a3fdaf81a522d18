"""Fixtures for CRM tests: account managers and customers in a line."""
from __future__ import annotations

import pytest

from plugins.crm.operations import customers as ops


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
