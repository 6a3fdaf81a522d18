"""The small demo: rows and occupancy through the occupancy rule, one by one (see the package)."""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, select, update

from core.db.types import utcnow
from core.errors import Conflict
from core.services.sequences import next_number
from plugins.project.models import Project, Requirement
from plugins.resources import demo_needs
from plugins.resources import demo_words as W
from plugins.resources.demo.common import (
    APPROVING_DEPARTMENT,
    BOOKING_CODE,
    BOOKING_SEQUENCE,
    CODE_PREFIX,
    DINNER_WORDS,
    LAYOUT_OF_TYPE,
    approvers,
    quote,
)
from plugins.resources.models import (
    Act,
    Booking,
    Layout,
    Maintenance,
    Package,
    Resource,
    Supplier,
)
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations.occupancy import check_fits, occupy_booking, occupy_maintenance
from plugins.resources.operations.timefmt import zone


@dataclass
class Want:
    """What a meeting would like to book."""

    resource: Resource
    starts_at: datetime
    ends_at: datetime
    quantity: int = 1
    guests: int | None = None
    layout: str | None = None
    unit_price: Decimal | None = None
    notes: str | None = None


class SmallScale:
    """The agency's address book, then each demo meeting's bookings in date order, as people made them.

    Every booking is checked with the occupancy rule before it is written, so a
    hall taken by an earlier meeting sends the next one to another hall, and
    its occupancy is written by ``occupy_booking``.
    """

    def __init__(self, session, progress):
        self.session, self.progress = session, progress
        self.rng = random.Random(20260401)
        self.now = utcnow()
        self.zone = zone(session)
        self.staff = approvers(session)
        self.codes: Counter = Counter()
        self.suppliers: dict[str, Supplier] = {}
        self.city_of: dict[str, str] = {}
        self.items: dict[tuple[str, str], Resource] = {}

    def run(self) -> None:
        self.catalogue()
        self.progress(1, 1, "catalogue")
        self.maintenance()
        self.bookings()
        self.waitlist()
        self.ensure_requested()
        demo_needs.add_needs(self.session, self.now)

    # -- catalogue ---------------------------------------------------------

    def add(self, supplier: str, name: str, kind: str, label: str, **values) -> Resource:
        self.codes[kind] += 1
        s = self.suppliers[supplier]
        resource = Resource(code=f"{CODE_PREFIX[kind]}-{self.codes[kind]:04d}", name=label, kind=kind, supplier=s,
                            city=self.city_of[supplier], location=s.address, **values)
        self.session.add(resource)
        self.items[(supplier, name)] = resource
        return resource

    def catalogue(self) -> None:
        for n, (name, city, contact, phone, address) in enumerate(W.SUPPLIERS, start=1):
            self.suppliers[name] = Supplier(name=name, contact_name=contact, phone=phone, address=address,
                                            email=f"sales{n:02d}@supplier.example")
            self.city_of[name] = city
        self.session.add_all(self.suppliers.values())
        for venue, hall, floor, area, setup, teardown, price, layouts, facilities in W.HALLS:
            resource = self.add(venue, hall, "venue", f"{venue}·{hall}", floor=floor, area_m2=Decimal(area),
                                setup_minutes=setup, teardown_minutes=teardown, unit_price=Decimal(price),
                                pricing_unit="day", unit_label="场", facilities=facilities,
                                layouts=[Layout(layout=k, capacity=v) for k, v in layouts.items()])
            resource.location = f"{self.suppliers[venue].address} {floor}"
            resource.parts = [self.items[(venue, part)] for part in W.COMBINED.get((venue, hall), ())]
        for supplier, name, spec, stock, label, price, unit, setup, teardown in W.EQUIPMENT:
            self.add(supplier, name, "equipment", f"{name}（{self.city_of[supplier]}）", specification=spec,
                     stock=stock, unit_label=label, unit_price=Decimal(price), pricing_unit=unit,
                     setup_minutes=setup, teardown_minutes=teardown, auto_approve=price <= 200)
        for supplier, most, fewest, packages in W.CATERERS:
            self.add(supplier, supplier, "catering", supplier, stock=most, min_guests=fewest, unit_label="位",
                     unit_price=Decimal(min(p for _n, p, _d in packages)), pricing_unit="head",
                     setup_minutes=90, teardown_minutes=60,
                     packages=[Package(name=n, price_per_head=Decimal(p), description=d) for n, p, d in packages])
        for supplier, fee, setup, teardown, acts in W.TROUPES:
            self.add(supplier, supplier, "troupe", supplier, unit_price=Decimal(fee), pricing_unit="event",
                     unit_label="场", setup_minutes=setup, teardown_minutes=teardown,
                     acts=[Act(name=n, duration_minutes=m, fee=Decimal(f)) for n, m, f in acts])
        for supplier, name, spec, stock, label, price, unit, people in W.GENERIC:
            hotel = "客房" in name
            self.add(supplier, name, "generic", f"{supplier}·{name}" if hotel else f"{name}（{self.city_of[supplier]}）",
                     specification=spec, stock=stock, unit_label=label, unit_price=Decimal(price),
                     pricing_unit=unit, capacity=people, auto_approve=not hotel)
        self.session.flush()

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def maintenance(self) -> None:
        today = self.now.astimezone(self.zone).date()
        for supplier, name, offset, days, units, reason in W.MAINTENANCE:
            first = today + timedelta(days=offset)
            window = Maintenance(resource=self.items[(supplier, name)], starts_at=self.local(first, 8),
                                 ends_at=self.local(first + timedelta(days=days - 1), 20), quantity=units,
                                 reason=reason, created_at=self.now - timedelta(days=10))
            self.session.add(window)
            self.session.flush()
            occupy_maintenance(self.session, window)

    # -- what each meeting wants --------------------------------------------

    def fits(self, resource: Resource, starts_at: datetime, ends_at: datetime, quantity: int = 1) -> bool:
        try:
            check_fits(self.session, resource, starts_at, ends_at, quantity)
        except Conflict:
            return False
        return True

    def of_kind(self, kind: str, city: str | None = None) -> list[Resource]:
        return [r for r in self.items.values() if r.kind == kind and (city is None or r.city == city)]

    def hall(self, project: Project, layout: str, guests: int, small: bool = False) -> Want | None:
        """The fitting free hall: at the meeting's own venue first, the smallest big enough."""
        def rank(r):
            capacity = next(lay.capacity for lay in r.layouts if lay.layout == layout)
            return (r.supplier.name != project.venue, capacity < guests, capacity if capacity >= guests else -capacity)

        halls = [r for r in self.of_kind("venue", project.city) if any(lay.layout == layout for lay in r.layouts)
                 and (not small or (r.area_m2 or 0) <= 300)]
        for r in sorted(halls, key=rank):
            if self.fits(r, project.start_at, project.end_at):
                capacity = next(lay.capacity for lay in r.layouts if lay.layout == layout)
                return Want(r, project.start_at, project.end_at, guests=min(guests, capacity), layout=layout)
        return None

    def item(self, name: str, city: str, quantity: int, starts_at, ends_at, chance: float = 1.0) -> Want | None:
        """``quantity`` of equipment ``name`` from the house serving ``city`` (half as many when short),
        wanted by a meeting with probability ``chance``."""
        if self.rng.random() >= chance:
            return None
        home = W.SERVES_FROM.get(city, "上海")
        for r in (r for r in self.of_kind("equipment", home) if r.name.startswith(name)):
            for wanted in (min(quantity, r.stock), min(quantity, r.stock) // 2):
                if wanted and self.fits(r, starts_at, ends_at, wanted):
                    return Want(r, starts_at, ends_at, quantity=wanted)
        return None

    def wants(self, project: Project) -> list[Want]:
        categories = {c for c, in self.session.execute(
            select(Requirement.category).where(Requirement.project_id == project.id))}
        guests, city = project.attendance or 100, project.city or ""
        first = project.start_at.astimezone(self.zone).date()
        last = project.end_at.astimezone(self.zone).date()
        wanted: list[Want | None] = []
        if "venue" in categories or project.type != "incentive":
            wanted.append(self.hall(project, LAYOUT_OF_TYPE.get(project.type, "theatre"), guests))
            if project.type in ("conference", "forum", "training") and guests >= 300:
                wanted.append(self.hall(project, "classroom", 60, small=True))
        if "av" in categories:
            start, end, rng = project.start_at, project.end_at, self.rng
            big = project.type in ("gala", "launch") and guests >= 500
            wall = self.item("LED 弧形巨幕", city, 1, start, end) if big else None
            wanted += [wall, self.item("LED 显示屏", city, rng.choice((24, 36, 48, 72)), start, end,
                                       0.0 if wall else 0.7),
                       self.item("激光投影机", city, rng.randint(2, 4) + guests // 400, start, end, 0.8),
                       self.item("无线手持麦克风", city, rng.choice((4, 6, 8, 12)), start, end, 0.9),
                       self.item("4K 摄像机", city, rng.randint(1, 3), start, end, 0.4),
                       self.item("笔记本电脑", city, rng.randint(2, 6), start, end, 0.3)]
        if "interpretation" in categories:
            wanted += [self.item("同传接收器", city, int(guests * 0.6), project.start_at, project.end_at),
                       self.item("同传主机及译员台", city, 1, project.start_at, project.end_at)]
        if "catering" in categories:
            wanted.append(self.meal(project, guests, first, last))
        if "performance" in categories:
            wanted.append(self.show(project, first))
        if "accommodation" in categories and last > first:
            wanted.append(self.rooms(project, guests, first, last))
        if "transport" in categories:
            wanted.append(self.coaches(project, guests))
        return [w for w in wanted if w is not None]

    def meal(self, project: Project, guests: int, first: date, last: date) -> Want | None:
        for caterer in self.of_kind("catering", project.city):
            dinner = project.type in ("gala", "incentive")
            package = next(p for p in caterer.packages if dinner == any(w in p.name for w in DINNER_WORDS))
            start, end = (self.local(last, 18), self.local(last, 21)) if dinner else \
                (self.local(first, 11, 30), self.local(first, 13, 30))
            heads = min(guests, caterer.stock)
            if heads >= (caterer.min_guests or 1) and self.fits(caterer, start, end, heads):
                return Want(caterer, start, end, quantity=heads, guests=heads, unit_price=package.price_per_head,
                            notes=f"{package.name}：{package.description}")
        return None

    def show(self, project: Project, first: date) -> Want | None:
        start, end = (self.local(first, 19), self.local(first, 20, 30)) if project.type == "gala" else \
            (self.local(first, 9), self.local(first, 9, 30))
        for troupe in self.of_kind("troupe", project.city):
            if self.fits(troupe, start, end):
                acts = troupe.acts[:2]
                return Want(troupe, start, end, unit_price=sum((a.fee for a in acts), Decimal(0)),
                            notes="节目：" + "、".join(a.name for a in acts))
        return None

    def rooms(self, project: Project, guests: int, first: date, last: date) -> Want | None:
        start, end = self.local(first, 14), self.local(last, 12)
        for block in (r for r in self.of_kind("generic", project.city) if "客房" in r.name):
            rooms = min(guests // 2, block.stock)
            if rooms and self.fits(block, start, end, rooms):
                return Want(block, start, end, quantity=rooms, guests=rooms * 2, notes="参会嘉宾住宿，含双早")
        return None

    def coaches(self, project: Project, guests: int) -> Want | None:
        start, end = project.start_at - timedelta(hours=1), project.end_at
        for fleet in (r for r in self.of_kind("generic", project.city) if "大巴" in r.name):
            buses = min(math.ceil(guests / 45), fleet.stock, 8)
            if self.fits(fleet, start, end, buses):
                return Want(fleet, start, end, quantity=buses, guests=buses * 45, notes="酒店与会场往返接驳")
        return None

    # -- booking -------------------------------------------------------------

    def status(self, project: Project, want: Want, n: int, count: int) -> str | None:
        if project.status == "cancelled":
            return "cancelled" if n == 0 else None
        exclusive = want.resource.exclusive or bool(want.resource.parts)
        if project.status == "enquiry":
            return "held" if exclusive else None
        if project.status == "proposal":
            return "held" if exclusive else "requested"
        if (project.start_at > self.now and n == count - 1 and n > 0 and not want.resource.auto_approve):
            return "requested"  # added late to the plan, waiting for its manager
        return "confirmed"

    def bookings(self) -> None:
        projects = self.session.scalars(select(Project).order_by(Project.start_at, Project.id)).all()
        for i, project in enumerate(projects):
            wants = self.wants(project)
            for n, want in enumerate(wants):
                status = self.status(project, want, n, len(wants))
                if status is not None:
                    self.book(project, want, status)
            self.progress(i + 1, len(projects), "bookings")

    def book(self, project: Project, want: Want, status: str, rank: int = 1, notes: str | None = None) -> Booking:
        rng, now, r = self.rng, self.now, want.resource
        created = min(now - timedelta(days=rng.randint(1, 5)), want.starts_at - timedelta(days=rng.randint(20, 75)))
        unit_price = want.unit_price if want.unit_price is not None else r.unit_price
        subtotal, tax, total = quote(unit_price, r.pricing_unit, want.quantity, want.starts_at, want.ends_at)
        booking = Booking(
            code=next_number(self.session, BOOKING_SEQUENCE, BOOKING_CODE, now=created), project_id=project.id,
            resource=r, quantity=want.quantity, guests=want.guests, layout=want.layout, starts_at=want.starts_at,
            ends_at=want.ends_at, status=status, rank=rank, unit_price=unit_price, subtotal=subtotal, tax=tax,
            total=total, created_at=created, notes=notes or want.notes)
        if status == "confirmed":
            booking.confirmed_at = min(now, created + timedelta(days=rng.randint(1, 4)))
            staff = self.staff.get(APPROVING_DEPARTMENT[r.kind]) or [None]
            booking.approved_by_id = None if r.auto_approve else staff[project.id % len(staff)]
            booking.notes = booking.notes or rng.choice(W.CONFIRM_NOTES)
        elif status == "held":
            days = rng.randint(4, 12)
            booking.hold_expires_at = min(now + timedelta(days=days), max(want.starts_at - timedelta(days=1),
                                                                          now + timedelta(days=1)))
            booking.notes = booking.notes or rng.choice(W.HOLD_NOTES)
        elif status == "requested":
            booking.notes = booking.notes or rng.choice(W.REQUEST_NOTES)
        elif status == "cancelled":
            booking.closed_at = min(now, created + timedelta(days=rng.randint(7, 30)))
            booking.reason = W.CANCEL_REASON
        self.session.add(booking)
        self.session.flush()
        if status in ACTIVE_STATUSES:
            occupy_booking(self.session, booking)
        return booking

    def future_projects(self) -> list[Project]:
        return list(self.session.scalars(select(Project).where(Project.start_at > self.now + timedelta(days=7),
                                                               Project.status != "cancelled")
                                         .order_by(Project.start_at, Project.id)))

    def waitlist(self) -> None:
        """One meeting waits (rank 2) for a hall another holds; a hold is made first if none exists."""
        held = self.session.scalars(
            select(Booking).join(Resource, Resource.id == Booking.resource_id)
            .where(Booking.status == "held", Resource.stock == 1)
            .order_by(case((Resource.kind == "venue", 0), else_=1), Booking.starts_at, Booking.id)).first()
        future = self.future_projects()
        if held is None:
            held = self.force_hold(future)
        if held is None:
            return
        others = sorted((p for p in future if p.id != held.project_id),
                        key=lambda p: (p.city != held.resource.city, abs((p.start_at - held.starts_at).days)))
        if not others:
            return
        want = Want(held.resource, held.starts_at, held.ends_at, guests=held.guests, layout=held.layout)
        self.book(others[0], want, "waitlisted", rank=2, notes=W.WAITLIST_NOTE)

    def force_hold(self, future: list[Project]) -> Booking | None:
        exclusive = [r for r in self.items.values() if r.exclusive and r.kind in ("venue", "equipment", "troupe")]
        for project in future:
            for r in sorted(exclusive, key=lambda r: r.city != project.city):
                if self.fits(r, project.start_at, project.end_at):
                    return self.book(project, Want(r, project.start_at, project.end_at), "held")
        return None

    def ensure_requested(self) -> None:
        """At least one booking waits for approval (the approver's inbox is part of the demo)."""
        if self.session.scalar(select(Booking.id).where(Booking.status == "requested").limit(1)):
            return
        first = self.session.scalar(select(Booking.id).where(Booking.status == "confirmed",
                                                             Booking.starts_at > self.now)
                                    .order_by(Booking.starts_at).limit(1))
        if first is not None:
            self.session.execute(update(Booking).where(Booking.id == first).values(
                status="requested", confirmed_at=None, approved_by_id=None, notes=W.REQUEST_NOTES[0]))
