"""Fixtures for resources tests: a project to book for, and resources made in a line."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest

from core.events import Handler
from core.security.principal import SYSTEM, act_as, load_principal
from plugins.crm.operations import customers as crm
from plugins.project.operations import projects
from plugins.resources.handlers import EVENTS
from plugins.resources.models import Booking, Layout, Resource
from plugins.resources.operations import booking as bookings

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


# -- booking through the operations, as a person would ------------------------------

@pytest.fixture
def pm(make_user):
    return make_user("zhangwei", roles=["project_manager"])


@pytest.fixture
def manager(make_user):
    """A resource manager: keeps the catalogue, approves, sees every booking."""
    return make_user("wangjing", roles=["resource_manager"])


@pytest.fixture
def project_for(kernel):
    """``project_for(user)`` -> the id of a new project ``user`` manages."""
    numbers = count(1)

    def make(manager=None, name="2030 新品发布会"):
        n = next(numbers)
        with kernel.system_session() as s:
            customer, _flags = crm.create_customer(s, {"name": f"杭州远景会展服务有限公司{n}"})
            s.flush()
            project = projects.create_project(s, {
                "name": name, "customer_id": customer.id, "manager_id": manager.id if manager else None,
                "start_at": T0, "end_at": T0 + 8 * H, "city": "杭州", "attendance": 200})
            s.commit()
            return project.id

    return make


@pytest.fixture
def hall(make_resource):
    """An exclusive hall: theatre 500, banquet 300; 20,000 a day."""
    return make_resource("国际会议厅", unit_price=Decimal("20000.00"), pricing_unit="day",
                         layouts=[Layout(layout="theatre", capacity=500), Layout(layout="banquet", capacity=300)])


@pytest.fixture
def as_user(kernel):
    """``as_user(user, fn, *args)``: ``fn(session, *args)`` acting as ``user`` (the system for None), committed.

    Objects returned stay readable (no expiry on commit). On an error the
    work is rolled back and the error raised, as a request would.
    """

    def run(user, fn, *args, **kwargs):
        with kernel.session.session_factory(expire_on_commit=False) as s:
            act_as(s, load_principal(s, user.id) if user is not None else SYSTEM)
            try:
                result = fn(s, *args, **kwargs)
                s.commit()
            except BaseException:
                s.rollback()
                raise
            return result

    return run


@pytest.fixture
def book(as_user):
    """``book(user, project_id, resource, start, end, hold=False, waitlist=False, **more)`` -> Booking."""

    def make(user, project_id, resource, start, end, hold=False, waitlist=False, **more):
        data = {"project_id": project_id, "resource_id": resource.id, "starts_at": start, "ends_at": end, **more}
        return as_user(user, bookings.request_booking, data, hold=hold, waitlist=waitlist)

    return make


@pytest.fixture
def on_booking(as_user):
    """``on_booking(user, bookings.approve, booking_id, *args)``: an action on a booking, reloaded as ``user``."""

    def run(user, action, booking_id, *args):
        return as_user(user, lambda s: action(s, bookings.get_booking(s, booking_id), *args))

    return run


@pytest.fixture
def events(kernel):
    """Every resources event emitted during the test: ``events["resources.booking_confirmed"] -> [payload]``."""
    seen: dict[str, list] = {}
    handlers = [Handler(e.name, lambda _s, payload, _n=e.name: seen.setdefault(_n, []).append(payload),
                        name=f"test.{e.name}") for e in EVENTS]
    for handler in handlers:
        kernel.bus.connect(handler)
    yield seen
    for handler in handlers:
        kernel.bus.disconnect(handler)
