"""Fixtures for resources tests: a project to book for, and resources made in a line."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from plugins.crm.operations import customers as crm
from plugins.project.operations import projects
from plugins.resources.models import Booking, Resource

#: 09:00 in Shanghai on a Monday; tests book relative to it.
T0 = datetime(2030, 6, 3, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def project_id(kernel):
    with kernel.system_session() as s:
        customer, _flags = crm.create_customer(s, {"name": "杭州远景会展服务有限公司"})
        s.flush()
        project = projects.create_project(s, {
            "name": "2030 新品发布会", "customer_id": customer.id, "start_at": T0, "end_at": T0 + 8 * H,
            "city": "杭州", "attendance": 200})
        s.commit()
        return project.id


@pytest.fixture
def make_resource(db):
    """``make_resource("宴会厅", stock=1, setup_minutes=60, parts=[a, b])`` -> a committed Resource."""
    counter = iter(range(1, 10_000))

    def make(name, kind="venue", parts=(), **values):
        resource = Resource(code=values.pop("code", f"R-{next(counter):04d}"), name=name, kind=kind,
                            unit_price=values.pop("unit_price", Decimal("1000.00")), **values)
        resource.parts = list(parts)
        db.add(resource)
        db.commit()
        return resource

    return make


@pytest.fixture
def raw_booking(db, project_id):
    """A booking row as the operations would leave it, before it occupies anything."""
    counter = iter(range(1, 10_000))

    def make(resource, starts_at, ends_at, quantity=1, status="confirmed"):
        booking = Booking(code=f"BK-T-{next(counter):04d}", project_id=project_id, resource=resource,
                          quantity=quantity, starts_at=starts_at, ends_at=ends_at, status=status)
        db.add(booking)
        db.flush()
        return booking

    return make
