"""Demo data: the small catalogue with its bookings, and the bulk generator of the large scale.

Both are checked with the same two questions the database guard answers:
does any exclusive part hold two overlapping occupancies, and is any stocked
part, at any instant, taken beyond its stock?
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from core.bootstrap import load_demo
from core.db.types import utcnow
from core.errors import Conflict
from core.services.models import SequenceCounter
from plugins.crm.operations import customers as crm
from plugins.project.models import Project
from plugins.project.operations import projects
from plugins.resources import demo
from plugins.resources.demo.common import BOOKING_SEQUENCE
from plugins.resources.models import Booking, Maintenance, Occupancy, Resource, ResourceNeed, Supplier
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations import allocation_runs

#: Exclusive occupancies that start before an earlier one of the same part has ended.
OVERLAPS = text("""
    SELECT count(*) FROM (
        SELECT starts_at, max(ends_at) OVER (PARTITION BY part_id ORDER BY starts_at, id
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS busy_until
        FROM resources_occupancy WHERE exclusive) AS o
    WHERE o.starts_at < o.busy_until""")

#: Instants at which a stocked part is taken beyond its stock (ends count before starts at one instant).
ABOVE_STOCK = text("""
    SELECT count(*) FROM (
        SELECT part_id, sum(delta) OVER (PARTITION BY part_id ORDER BY at, starting
                                         ROWS UNBOUNDED PRECEDING) AS in_use
        FROM (SELECT part_id, starts_at AS at, quantity AS delta, 1 AS starting
              FROM resources_occupancy WHERE NOT exclusive
              UNION ALL
              SELECT part_id, ends_at, -quantity, 0 FROM resources_occupancy WHERE NOT exclusive) AS events
    ) AS running JOIN resources_resource AS r ON r.id = running.part_id
    WHERE running.in_use > r.stock""")


def assert_consistent(session) -> None:
    """No collision anywhere, and occupancy exactly where active bookings are."""
    assert session.execute(OVERLAPS).scalar() == 0
    assert session.execute(ABOVE_STOCK).scalar() == 0
    active = Booking.status.in_(ACTIVE_STATUSES)
    without = select(func.count()).select_from(Booking).where(
        active, ~select(Occupancy.id).where(Occupancy.booking_id == Booking.id).exists())
    assert session.scalar(without) == 0
    stray = select(func.count()).select_from(Occupancy).join(Booking, Booking.id == Occupancy.booking_id) \
        .where(~active)
    assert session.scalar(stray) == 0
    misnamed = select(func.count()).select_from(Occupancy).join(Booking, Booking.id == Occupancy.booking_id) \
        .where(Occupancy.booking_code.is_distinct_from(Booking.code))
    assert session.scalar(misnamed) == 0  # each row carries its booking's code


def test_the_small_demo_is_a_catalogue_with_bookings_of_the_demo_projects(kernel, plugin_enabled):
    plugin_enabled("resources")
    seen = []
    load_demo(kernel, "small", progress=lambda done, total, label: seen.append((label, done, total)))

    with kernel.system_session() as s:
        kinds = dict(s.execute(select(Resource.kind, func.count()).group_by(Resource.kind)).all())
        assert set(kinds) == {"venue", "equipment", "catering", "troupe", "generic"} and kinds["venue"] >= 15
        assert s.scalar(select(func.count()).select_from(Supplier)) >= 15
        ab = s.scalar(select(Resource).where(Resource.name == "杭州国际博览中心·国际厅AB"))
        assert [p.name for p in ab.parts] == ["杭州国际博览中心·国际厅A", "杭州国际博览中心·国际厅B"]
        assert {lay.layout: lay.capacity for lay in ab.layouts}["theatre"] == 2500 and ab.setup_minutes == 240
        headsets = s.scalar(select(Resource).where(Resource.name == "同传接收器（上海）"))
        assert (headsets.stock, headsets.unit_label, headsets.pricing_unit) == (800, "副", "unit_day")
        caterer = s.scalar(select(Resource).where(Resource.kind == "catering").order_by(Resource.id))
        assert caterer.min_guests == 50 and caterer.stock == 1200 and len(caterer.packages) == 4
        assert s.scalar(select(Resource).where(Resource.kind == "troupe").order_by(Resource.id)).acts

        bookings = s.scalars(select(Booking).order_by(Booking.id)).all()
        statuses = {b.status for b in bookings}
        assert {"confirmed", "held", "requested", "waitlisted", "cancelled"} <= statuses
        assert all(re.fullmatch(r"BK-20\d\d-\d{6}", b.code) for b in bookings)
        now = utcnow()
        assert all(b.hold_expires_at > now for b in bookings if b.status == "held")
        waiting = next(b for b in bookings if b.status == "waitlisted")
        ahead = next(b for b in bookings if b.status == "held" and b.resource_id == waiting.resource_id)
        assert (waiting.rank, waiting.starts_at, ahead.rank) == (2, ahead.starts_at, 1)
        assert waiting.project_id != ahead.project_id
        confirmed = next(b for b in bookings if b.status == "confirmed" and b.resource.kind == "venue")
        assert confirmed.total == confirmed.subtotal + confirmed.tax and confirmed.subtotal > 0
        assert confirmed.approved_by_id is not None and confirmed.confirmed_at <= now

        rows = s.scalars(select(Occupancy).where(Occupancy.booking_id == confirmed.id)).all()
        setup = timedelta(minutes=confirmed.resource.setup_minutes)
        assert [(r.part_id, r.starts_at) for r in rows] == [(confirmed.resource_id, confirmed.starts_at - setup)]
        windows = s.scalars(select(Maintenance)).all()
        assert len(windows) == 2 and all(
            s.scalar(select(Occupancy.id).where(Occupancy.maintenance_id == w.id)) for w in windows)
        assert_consistent(s)
        count = len(bookings)
    assert ("resources: bookings", 40, 40) in seen
    with kernel.system_session() as s:
        wanted = s.scalars(select(ResourceNeed).order_by(ResourceNeed.id)).all()
        assert {n.kind for n in wanted} == {"venue", "equipment", "catering"} and len(wanted) >= 6
        assert all(n.status == "open" and n.starts_at > utcnow() for n in wanted)
        first = wanted[0].project_id
        run = allocation_runs.propose(s, {"project_id": first})
        assert run.served >= 1 and run.served + run.unserved == sum(1 for n in wanted if n.project_id == first)
        s.rollback()

    load_demo(kernel, "small")
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == count


@pytest.fixture
def a_season_of_projects(kernel):
    """Six meetings in 杭州 and 上海 around today, for the large generator to book for."""
    with kernel.system_session() as s:
        customer, _flags = crm.create_customer(s, {"name": "杭州远景会展服务有限公司"})
        s.flush()
        now = utcnow()
        for n in range(6):
            start = now + timedelta(days=-30 + 9 * n)
            projects.create_project(s, {"name": f"第{n + 1}届行业峰会", "customer_id": customer.id,
                                        "start_at": start, "end_at": start + timedelta(days=2),
                                        "city": ("杭州", "上海")[n % 2], "attendance": 300})
        s.commit()


def test_the_large_generator_scaled_down_writes_bookings_that_never_collide(kernel, plugin_enabled,
                                                                          a_season_of_projects):
    plugin_enabled("resources")
    seen = []
    with kernel.system_session() as s:
        demo.load_demo(s, "large", lambda done, total, label: seen.append((done, total)),
                       resources=120, bookings=2000, days_back=40, days_ahead=20)
        s.commit()

    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Resource)) == 120
        kinds = set(s.scalars(select(Resource.kind).distinct()))
        assert kinds == {"venue", "equipment", "catering", "troupe", "generic"}
        combined = s.scalars(select(Resource).where(Resource.name.like("%多功能厅AB"))).all()
        assert combined and all(len(r.parts) == 2 for r in combined)
        total = s.scalar(select(func.count()).select_from(Booking))
        assert 2000 <= total <= 2100
        statuses = dict(s.execute(select(Booking.status, func.count()).group_by(Booking.status)).all())
        assert statuses["confirmed"] > total / 2 and {"held", "cancelled", "requested"} <= set(statuses)
        cities = s.execute(select(Resource.city, Project.city).join(Booking, Booking.resource_id == Resource.id)
                           .join(Project, Project.id == Booking.project_id).distinct()).all()
        assert set(cities) == {("上海", "上海"), ("北京", "北京")}  # each booked by meetings held there
        # 北京 had no meetings: it got its own, numbered after the others
        made = s.scalars(select(Project).where(Project.city == "北京")).all()
        assert len(made) >= 10 and all(re.fullmatch(r"HW-20\d\d-\d{4}", p.code) for p in made)
        assert {p.venue for p in made} <= set(s.scalars(select(Supplier.name)))
        on_parts = s.scalar(select(func.count()).select_from(Occupancy).join(
            Booking, Booking.id == Occupancy.booking_id).where(Booking.resource_id.in_([r.id for r in combined])))
        assert on_parts and on_parts % 2 == 0  # a combined booking takes both halls
        assert_consistent(s)
        codes = s.scalars(select(Booking.code)).all()
        assert len(set(codes)) == total
        year = utcnow().year
        counter = s.get(SequenceCounter, (BOOKING_SEQUENCE, f"{year:04d}"))
        assert counter.next_value == 1 + sum(1 for c in codes if c.startswith(f"BK-{year}-"))
    assert seen[-1] == (2000, 2000)


def test_the_large_generator_refuses_more_bookings_than_its_timelines_hold(kernel, plugin_enabled,
                                                                          a_season_of_projects):
    plugin_enabled("resources")
    with kernel.system_session() as s, pytest.raises(Conflict, match="do not fit"):
        demo.load_demo(s, "large", lambda *a: None, resources=5, bookings=5000, days_back=5, days_ahead=5)
