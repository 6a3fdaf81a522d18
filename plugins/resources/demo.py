"""Demo data: an agency's suppliers, halls, equipment and bookings, at small scale or large.

``small`` (``huiwu init --demo``): the address book of an agency working from
杭州, 上海 and 北京 — convention centres and hotels with their halls (two pairs
open into combined halls), AV rental houses, caterers with menu packages,
troupes with acts, a coach company and hotel room blocks — two maintenance
windows, and bookings for the project demo's meetings: confirmed for what is
done or under way, held and awaiting approval for what is still being
decided, one on the waiting list behind a hold, and the cancelled meetings'
bookings cancelled. Each booking is a row plus the occupancy that
``operations.occupancy`` writes, so the database guard and every screen agree.
A few upcoming meetings also state needs for the allocator (``demo_needs``).

``large`` (``huiwu demo --scale large``): ~2,100 resources in 30 cities and a
million bookings over three years for benchmarks, written in bulk; see
``LargeScale`` for how they never collide.
"""
from __future__ import annotations

import logging
import math
import random
import time as clock
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select, text, update

from core.db.types import utcnow
from core.errors import Conflict
from core.security.models import Department, user_department
from core.services.models import SequenceCounter
from core.services.sequences import next_number
from plugins.project import demo_words as PW
from plugins.project.demo import target_status
from plugins.project.models import Project, Requirement
from plugins.project.operations.projects import CODE_PATTERN, CODE_SEQUENCE
from plugins.resources import demo_needs
from plugins.resources import demo_words as W
from plugins.resources.models import (
    Act,
    Booking,
    Layout,
    Maintenance,
    Occupancy,
    Package,
    Resource,
    Supplier,
    resource_part,
)
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations.occupancy import check_fits, occupy_booking, occupy_maintenance
from plugins.resources.operations.timefmt import zone

log = logging.getLogger(__name__)

BOOKING_SEQUENCE = "resources.booking"
BOOKING_CODE = "BK-{year}-{n:06d}"
#: VAT on event services (现代服务业, 6 %); demo quotes add it on top of the fee.
TAX_RATE = Decimal("0.06")
CENT = Decimal("0.01")
CODE_PREFIX = {"venue": "VEN", "equipment": "EQP", "catering": "CAT", "troupe": "TRP", "generic": "GEN"}
#: Who approves a booking of each kind: a member of this department.
APPROVING_DEPARTMENT = {"venue": "VENUE", "troupe": "VENUE", "generic": "VENUE", "equipment": "AV",
                        "catering": "CATER"}
#: A package whose name has one of these is served at dinner; the others at lunch.
DINNER_WORDS = ("晚宴", "宴会", "酒会", "桌餐")
#: The layout a meeting of each project type is set up in (theatre otherwise).
LAYOUT_OF_TYPE = {"gala": "banquet", "incentive": "banquet", "training": "classroom"}


def load_demo(session, scale: str, progress, **sizes) -> None:
    """Fill the catalogue and bookings once; ``sizes`` shrink the large scale (tests)."""
    if session.scalar(select(Resource.id).limit(1)) is not None:
        return
    if scale == "large":
        LargeScale(session, progress, **sizes).run()
    else:
        SmallScale(session, progress).run()


def quote(unit_price: Decimal, pricing_unit: str, quantity: int, starts_at: datetime,
          ends_at: datetime) -> tuple[Decimal, Decimal, Decimal]:
    """Subtotal, tax and total of a booking: the fee times what the pricing unit counts."""
    hours = (ends_at - starts_at).total_seconds() / 3600
    days = max(1, math.ceil(hours / 24))
    units = {"hour": math.ceil(hours), "half_day": 1 if hours <= 5 else 2 * days, "day": days,
             "head": quantity, "unit_day": quantity * days, "unit": quantity}.get(pricing_unit, 1)
    subtotal = (unit_price * units).quantize(CENT)
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    return subtotal, tax, subtotal + tax


def approvers(session) -> dict[str, list[int]]:
    """Department code -> ids of its members (the demo's approvers)."""
    rows = session.execute(select(Department.code, user_department.c.user_id)
                           .join(user_department, user_department.c.department_id == Department.id)
                           .order_by(Department.code, user_department.c.user_id))
    found: dict[str, list[int]] = {}
    for code, user_id in rows:
        found.setdefault(code, []).append(user_id)
    return found


# --------------------------------------------------------------------------
# Small: rows and occupancy through the occupancy rule, one by one
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Large: timelines built so that nothing collides, written in bulk
# --------------------------------------------------------------------------

LARGE_BOOKINGS = 1_000_000
#: Days of bookings before today, and after it (three years in all).
DAYS_BACK, DAYS_AHEAD = 730, 365
CHUNK = 50_000
#: A track is filled to at most this share of its days.
MAX_FILL = 0.8
#: Slot hours by track kind: (start h, min, end h, min); the end is on the slot's last day.
HOURS = {"hall": [(9, 0, 18, 0)] * 5 + [(8, 30, 12, 0), (13, 30, 17, 30), (18, 0, 21, 30)],
         "equipment": [(8, 0, 18, 0)] * 3 + [(16, 0, 22, 0)], "catering": [(11, 30, 13, 30), (18, 0, 21, 0)],
         "troupe": [(19, 0, 20, 30), (9, 0, 9, 30)], "coach": [(7, 30, 19, 0)], "rooms": [(14, 0, 12, 0)]}
#: Slot lengths in days a track draws from.
LENGTHS = {"hall": (1, 1, 1, 1, 2, 2, 3), "equipment": (1, 1, 2, 3), "catering": (1,), "troupe": (1,),
           "coach": (1, 2, 3), "rooms": (1, 2, 3, 4)}
#: How many bookings one track attracts relative to a hall's.
WEIGHTS = {"hall": 1.0, "group": 1.3, "equipment": 0.45, "catering": 0.6, "troupe": 0.7, "coach": 0.4,
           "rooms": 0.4}
MAINTENANCE_REASONS = ["地毯更换", "灯光音响系统年检", "消防设施检测", "墙面翻新", "设备返厂检修"]

BOOKING_COLUMNS = ("id", "code", "project_id", "resource_id", "quantity", "guests", "layout", "starts_at",
                   "ends_at", "status", "rank", "hold_expires_at", "notes", "approved_by_id", "confirmed_at",
                   "closed_at", "reason", "unit_price", "subtotal", "tax", "total", "flagged", "created_at",
                   "updated_at", "version")
OCCUPANCY_COLUMNS = ("part_id", "booking_id", "booking_code", "maintenance_id", "quantity", "starts_at", "ends_at",
                     "exclusive")
MAINTENANCE_COLUMNS = ("id", "resource_id", "starts_at", "ends_at", "quantity", "reason", "created_at",
                       "updated_at", "version")


@dataclass
class Info:
    """What the generator needs of one resource."""

    id: int
    kind: str
    #: The kind of timeline it is booked on: ``hall``, ``equipment``, ``catering``, ``troupe``, ``coach``, ``rooms``.
    track: str
    city: str
    price: Decimal
    pricing_unit: str
    setup: timedelta
    teardown: timedelta
    parts: tuple[int, ...]
    stock: int
    auto_approve: bool
    layouts: list[tuple[str, int]]
    #: Caterer: (price per head, package); troupe: (fee, act).
    prices: list[tuple[Decimal, str]]
    min_guests: int


@dataclass
class Track:
    """A timeline of day slots that never touch: an exclusive resource, a combined hall with its
    parts, or one lane of a stocked resource (``capacity`` units of it)."""

    kind: str
    members: tuple[Info, ...]
    capacity: int
    slots: int = 0


class BulkWriter:
    """Rows into a table fast: COPY on PostgreSQL (psycopg), executemany elsewhere."""

    def __init__(self, session):
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        #: Ids given out on SQLite but not written yet (PostgreSQL's sequences remember by themselves).
        self.handed_out: dict[str, int] = {}

    def reserve_ids(self, table, n: int) -> list[int]:
        """``n`` primary keys nobody else will be given (rows refer to each other before they are written)."""
        if self.postgres:
            return list(self.session.scalars(text(
                f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),
                {"n": n}))
        top = max(self.session.scalar(select(func.max(table.c.id))) or 0, self.handed_out.get(table.name, 0))
        self.handed_out[table.name] = top + n
        return list(range(top + 1, top + n + 1))

    def write(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        connection = self.session.connection()
        raw = connection.connection.driver_connection
        if self.postgres and hasattr(raw, "cursor") and type(raw).__module__.startswith("psycopg"):
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            connection.execute(insert(table), [dict(zip(columns, row)) for row in rows])

    def analyze(self, tables) -> None:
        if self.postgres:
            self.session.execute(text("ANALYZE " + ", ".join(t.name for t in tables)))
        else:
            self.session.execute(text("ANALYZE"))


class LargeScale:
    """A million bookings that never collide, by construction.

    Each exclusive resource is one *track*: a timeline of slots of whole local
    days, at most one slot a day, drawn without overlap. A slot is used between
    07:30 and 22:00 and buffers are at most four hours before and three after,
    so two slots on neighbouring days never touch (a room block's nights run
    from 14:00 to 12:00, without buffers, and the next stay checks in at 14:00
    of the last morning the earliest). A combined hall and its
    parts share one track (a slot books A, B, A and B apart, or AB). A stocked
    resource is split into lanes whose capacities add up to its stock, each
    lane a track whose bookings take at most its capacity — so at any instant
    the quantities in use add up to at most the stock.
    """

    def __init__(self, session, progress, resources: int | None = None, bookings: int = LARGE_BOOKINGS,
                 days_back: int = DAYS_BACK, days_ahead: int = DAYS_AHEAD, seed: int = 20260402):
        self.session, self.progress = session, progress
        self.target_resources, self.target = resources, bookings
        self.rng = random.Random(seed)
        self.now = utcnow()
        self.zone = zone(session)
        today = self.now.astimezone(self.zone).date()
        self.today = days_back
        self.days = days_back + days_ahead
        self.midnight = [datetime.combine(today + timedelta(days=d - days_back), time(0), tzinfo=self.zone)
                         .astimezone(UTC) for d in range(self.days + 2)]
        self.writer = BulkWriter(session)
        self.staff = approvers(session)
        self.counters: dict[int, int] = {}
        self.ids: dict[str, list[int]] = {}
        self.written = Counter()
        self.pending: dict[str, list[tuple]] = {"maintenance": [], "booking": [], "occupancy": []}

    def run(self) -> None:
        began = clock.monotonic()
        catalogue = LargeCatalogue(self.session, self.rng, self.target_resources)
        infos = catalogue.build()
        self.load_projects(catalogue.venues)
        self.progress(0, self.target, "bookings")
        tracks = self.tracks(infos)
        self.allocate(tracks)
        for track in tracks:
            self.fill(track)
            if len(self.pending["booking"]) >= CHUNK:
                self.flush()
        self.flush()
        advance(self.session, BOOKING_SEQUENCE, self.counters)
        self.writer.analyze([Booking.__table__, Occupancy.__table__, Maintenance.__table__, Resource.__table__,
                             Layout.__table__, resource_part])
        self.progress(self.target, self.target, "bookings")
        log.info("resources demo: %d resources, %d bookings, %d occupancy rows, %d maintenance windows in %.0f s",
                 len(infos), self.written["booking"], self.written["occupancy"], self.written["maintenance"],
                 clock.monotonic() - began)

    # -- projects ------------------------------------------------------------

    def load_projects(self, venues: dict[str, list[str]]) -> None:
        """Projects by city, as (first day, last day, id) sorted, to attach each booking to one of its days.

        The project demo holds its meetings in fewer cities than the catalogue
        has: cities with less than a meeting a week get meetings of their own.
        """
        by_city = self.project_days()
        if not by_city:
            raise Conflict(_("The large resources demo books for projects: load the project demo first."))
        sparse = {city: names for city, names in venues.items()
                  if sum(1 for first, _last, _id in by_city.get(city, ()) if 0 <= first < self.days) < self.days / 7}
        if sparse:
            MeetingMaker(self.session, self.rng, self.midnight[0].astimezone(self.zone).date(), self.days,
                         self.today).add(sparse)
            by_city = self.project_days()
        self.projects = {city: self._index(rows) for city, rows in by_city.items()}
        self.any_project = self._index([row for rows in by_city.values() for row in rows])

    def project_days(self) -> dict[str, list[tuple[int, int, int]]]:
        day0 = self.midnight[0].astimezone(self.zone).date()
        by_city: dict[str, list[tuple[int, int, int]]] = {}
        for pid, city, start, end in self.session.execute(
                select(Project.id, Project.city, Project.start_at, Project.end_at)
                .where(Project.status != "cancelled")):
            first = (start.astimezone(self.zone).date() - day0).days
            last = (end.astimezone(self.zone).date() - day0).days
            by_city.setdefault(city or "", []).append((first, last, pid))
        return by_city

    @staticmethod
    def _index(rows):
        rows.sort()
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    def project_for(self, city: str, day: int) -> int:
        """A project of ``city`` running on ``day`` (one starting nearest to it when none runs then)."""
        starts, ends, ids = self.projects.get(city) or self.any_project
        i = bisect_right(starts, day)
        running = [ids[j] for j in range(i - 1, max(i - 9, -1), -1) if ends[j] >= day]
        if running:
            return self.rng.choice(running)
        if i == 0:
            return ids[0]
        if i == len(starts) or day - starts[i - 1] <= starts[i] - day:
            return ids[i - 1]
        return ids[i]

    # -- tracks --------------------------------------------------------------

    def tracks(self, infos: list[Info]) -> list[Track]:
        in_group = {p for info in infos for p in info.parts if len(info.parts) > 1}
        by_id = {info.id: info for info in infos}
        tracks = []
        for info in infos:
            if info.id in in_group:
                continue  # booked through its combined hall's track
            if len(info.parts) > 1:
                tracks.append(Track("group", tuple(by_id[p] for p in info.parts) + (info,), 1))
            elif info.stock == 1:
                tracks.append(Track(info.track, (info,), 1))
            else:
                tracks += [Track(info.track, (info,), share) for share in self.lanes(info)]
        return tracks

    @staticmethod
    def lanes(info: Info) -> list[int]:
        """Split a stock into lanes; a caterer's lanes each take at least its fewest guests."""
        stock = info.stock
        count = min(stock, 5 if info.kind == "equipment" else 4)
        if info.kind == "catering":
            count = max(1, min(count, stock // info.min_guests))
        return [stock // count + (1 if n < stock % count else 0) for n in range(count)]

    def allocate(self, tracks: list[Track]) -> None:
        """Give each track slots in proportion to its weight, none above ``MAX_FILL`` of its days."""
        per_slot = {"group": 1.15}
        weights = [WEIGHTS[t.kind] for t in tracks]
        caps = [int(MAX_FILL * self.days / (sum(LENGTHS[self.length_kind(t)]) / len(LENGTHS[self.length_kind(t)])))
                for t in tracks]
        wanted = self.target * 1.01

        def total(scale):
            return sum(min(c, scale * w) * per_slot.get(t.kind, 1.0) for t, w, c in zip(tracks, weights, caps))

        if total(1e12) < wanted:
            raise Conflict(_("%(bookings)d bookings do not fit in %(tracks)d timelines of %(days)d days.",
                             bookings=self.target, tracks=len(tracks), days=self.days))
        low, high = 0.0, float(self.days)
        while total(high) < wanted:
            high *= 2
        for _step in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if total(middle) < wanted else (low, middle)
        for t, w, c in zip(tracks, weights, caps):
            t.slots = math.ceil(min(c, high * w))

    @staticmethod
    def length_kind(track: Track) -> str:
        return "hall" if track.kind == "group" else track.kind

    def slots(self, track: Track) -> list[tuple[int, int]]:
        """(first day, length) of the track's slots, spread at random with no two on one day."""
        rng, kind = self.rng, self.length_kind(track)
        lengths = [rng.choice(LENGTHS[kind]) for _ in range(track.slots)]
        while sum(lengths) > self.days:
            lengths.pop()
        free, n = self.days - sum(lengths), len(lengths)
        gaps = sorted(rng.sample(range(free + n), n))
        out, used = [], 0
        for i, (gap, length) in enumerate(zip(gaps, lengths)):
            out.append((gap - i + used, length))
            used += length
        return out

    # -- bookings --------------------------------------------------------------

    def window(self, kind: str, first: int, length: int) -> tuple[datetime, datetime]:
        h1, m1, h2, m2 = self.rng.choice(HOURS[kind]) if length == 1 or kind in ("rooms", "coach") \
            else HOURS[kind][0]
        last = first + length if kind == "rooms" else first + length - 1
        return (self.midnight[first] + timedelta(hours=h1, minutes=m1),
                self.midnight[last] + timedelta(hours=h2, minutes=m2))

    def fill(self, track: Track) -> None:
        rng, kind = self.rng, self.length_kind(track)
        for first, length in self.slots(track):
            start, end = self.window(kind, first, length)
            if track.kind == "group":
                pick = rng.random()
                a, b, ab = track.members
                chosen = [a] if pick < 0.35 else [b] if pick < 0.65 else [a, b] if pick < 0.8 else [ab]
            elif kind == "hall" and rng.random() < 0.003:
                self.maintenance(track.members[0], first, length)
                continue
            else:
                chosen = [track.members[0]]
            for info in chosen:
                self.booking(info, track.capacity, first, start, end)

    def maintenance(self, info: Info, first: int, length: int) -> None:
        mid = self.next_id(Maintenance.__table__, 500)
        start = self.midnight[first] + timedelta(hours=8)
        end = self.midnight[first + length - 1] + timedelta(hours=20)
        created = min(self.now, start) - timedelta(days=30)
        self.pending["maintenance"].append((mid, info.id, start, end, None, self.rng.choice(MAINTENANCE_REASONS),
                                            created, created, 1))
        self.pending["occupancy"].append((info.id, None, None, mid, 1, start, end, True))

    def status(self, first: int) -> str:
        r = self.rng.random()
        if first <= self.today + 1:
            return "confirmed" if r < 0.93 else "cancelled" if r < 0.97 else "rejected" if r < 0.985 else "expired"
        return "confirmed" if r < 0.72 else "held" if r < 0.84 else "requested" if r < 0.94 else "cancelled"

    def booking(self, info: Info, capacity: int, first: int, start: datetime, end: datetime,
                status: str | None = None, rank: int = 1) -> None:
        rng, now = self.rng, self.now
        status = status or self.status(first)
        quantity, guests, layout, price, notes = 1, None, None, info.price, None
        if info.kind == "venue":
            layout, most = rng.choice(info.layouts)
            guests = rng.randint(max(1, most // 2), most)
        elif info.kind == "catering":
            quantity = guests = rng.randint(min(info.min_guests, capacity), capacity)
            price, notes = rng.choice(info.prices)
        elif info.kind == "troupe":
            price, notes = rng.choice(info.prices)
        elif capacity > 1:
            quantity = rng.randint(max(1, capacity // 3), capacity)
        created = min(start - timedelta(days=rng.randint(7, 120)), now - timedelta(hours=rng.randint(1, 72)))
        subtotal, tax, total = quote(price, info.pricing_unit, quantity, start, end)
        bid = self.next_id(Booking.__table__, CHUNK)
        year = created.astimezone(self.zone).year
        self.counters[year] = n = self.counters.get(year, 0) + 1
        confirmed_at = approved_by = hold = closed = reason = None
        if status == "confirmed":
            confirmed_at = min(now, created + timedelta(days=1))
            staff = self.staff.get(APPROVING_DEPARTMENT[info.kind])
            approved_by = staff[bid % len(staff)] if staff and not info.auto_approve else None
        elif status == "held":
            hold = min(now + timedelta(days=rng.randint(1, 10)), start - timedelta(days=1))
        elif status in ("cancelled", "rejected", "expired"):
            closed = min(now, created + timedelta(days=rng.randint(1, 20)))
            reason = {"cancelled": W.CANCEL_REASON, "rejected": "档期已被其他客户确认", "expired": "预留到期未确认"}[status]
        project = self.project_for(info.city, first)
        code = BOOKING_CODE.format(year=year, n=n)
        self.pending["booking"].append((
            bid, code, project, info.id, quantity, guests, layout, start, end, status,
            rank, hold, notes, approved_by, confirmed_at, closed, reason, price, subtotal, tax, total, False, created,
            confirmed_at or closed or created, 1))
        if status in ACTIVE_STATUSES:
            exclusive = info.stock == 1 or len(info.parts) > 1
            for part in info.parts:
                self.pending["occupancy"].append((part, bid, code, None, quantity, start - info.setup,
                                                  end + info.teardown, exclusive))
        if status == "held" and rank == 1 and rng.random() < 0.15:
            self.booking(info, capacity, first, start, end, status="waitlisted", rank=2)

    def next_id(self, table, block: int) -> int:
        """A primary key for a row written later, taken from blocks reserved ``block`` at a time."""
        pool = self.ids.setdefault(table.name, [])
        if not pool:
            pool += reversed(self.writer.reserve_ids(table, block))
        return pool.pop()

    def flush(self) -> None:
        tables = {"maintenance": (Maintenance.__table__, MAINTENANCE_COLUMNS),
                  "booking": (Booking.__table__, BOOKING_COLUMNS), "occupancy": (Occupancy.__table__, OCCUPANCY_COLUMNS)}
        for name, (table, columns) in tables.items():
            self.writer.write(table, columns, self.pending[name])
            self.written[name] += len(self.pending[name])
            self.pending[name] = []
        self.progress(min(self.written["booking"], self.target), self.target, "bookings")



def advance(session, code: str, last_by_year: dict[int, int]) -> None:
    """Numbers sequence ``code`` hands out from now on follow the demo's own (no duplicate codes)."""
    for year, last in sorted(last_by_year.items()):
        counter = session.get(SequenceCounter, (code, f"{year:04d}"))
        if counter is None:
            session.add(SequenceCounter(code=code, period=f"{year:04d}", next_value=last + 1))
        else:
            counter.next_value = max(counter.next_value, last + 1)
    session.flush()


class MeetingMaker:
    """Meetings in cities the project demo does not go to, so bookings there belong to a meeting there.

    Written like the project demo's large scale (Core INSERTs, numbered by its
    sequence) for the clients and managers its meetings have, with their
    requirements but no task plan.
    """

    #: Meetings a city gets per day of the window and per venue in it.
    RATE = 0.2

    def __init__(self, session, rng: random.Random, day0: date, days: int, today: int):
        self.session, self.rng, self.day0, self.days, self.today = session, rng, day0, days, today
        self.zone = zone(session)
        self.now = utcnow()
        self.customers = list(session.scalars(select(Project.customer_id).distinct().order_by(Project.customer_id)))
        self.managers = list(session.scalars(select(Project.manager_id).where(Project.manager_id.is_not(None))
                                             .distinct().order_by(Project.manager_id))) or [None]
        self.counters: dict[int, int] = {}
        for period, following in session.execute(select(SequenceCounter.period, SequenceCounter.next_value)
                                                 .where(SequenceCounter.code == CODE_SEQUENCE)):
            if period.isdigit():
                self.counters[int(period)] = following - 1

    def at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=self.zone).astimezone(UTC)

    def add(self, venues: dict[str, list[str]]) -> None:
        rows = [self.meeting(city, names) for city, names in sorted(venues.items())
                for _n in range(max(10, int(self.RATE * self.days * len(names))))]
        writer, table = BulkWriter(self.session), Project.__table__
        ids = writer.reserve_ids(table, len(rows))
        columns = ("id",) + tuple(rows[0][0])
        writer.write(table, columns, [(pid, *row.values()) for pid, (row, _c) in zip(ids, rows)])
        writer.write(Requirement.__table__, ("project_id", "category", "created_at", "updated_at", "version"),
                     [(pid, c, row["created_at"], self.now, 1) for pid, (row, categories) in zip(ids, rows)
                      for c in categories])
        advance(self.session, CODE_SEQUENCE, self.counters)

    def meeting(self, city: str, venues: list[str]) -> tuple[dict, tuple[str, ...]]:
        rng = self.rng
        word, kind, categories, sizes, days = rng.choices(PW.EVENTS, PW.EVENT_WEIGHTS)[0]
        first = self.day0 + timedelta(days=rng.randrange(self.days))
        last = first + timedelta(days=days - 1)
        status = target_status(rng, first, last, self.day0 + timedelta(days=self.today))
        self.counters[first.year] = n = self.counters.get(first.year, 0) + 1
        start, end = self.at(first, 9), self.at(last, 18)
        confirmed = status not in ("enquiry", "proposal")
        return {"code": CODE_PATTERN.format(n=n, year=first.year), "type": kind, "status": status,
                "name": f"{rng.choice(W.CLIENT_BRANDS)}{first.year}年{word}", "customer_id": rng.choice(self.customers),
                "contact_id": None, "manager_id": rng.choice(self.managers), "start_at": start, "end_at": end,
                "city": city, "venue": rng.choice(venues), "attendance": rng.choice(sizes),
                "description": None, "internal_notes": None,
                "confirmed_at": start - timedelta(days=60) if confirmed else None,
                "completed_at": end + timedelta(days=1) if status in ("completed", "closed") else None,
                "closed_at": end + timedelta(days=30) if status == "closed" else None, "cancelled_at": None,
                "created_at": start - timedelta(days=120), "updated_at": self.now, "version": 1}, categories


class LargeCatalogue:
    """~70 resources a city in 30 cities (or the first ``limit`` of them), inserted in bulk."""

    def __init__(self, session, rng: random.Random, limit: int | None):
        self.session, self.rng, self.limit = session, rng, limit
        self.names: set[str] = set()
        self.suppliers: dict[str, dict] = {}
        self.codes: Counter = Counter()
        #: City -> its venues' names (of those kept), for meetings held there.
        self.venues: dict[str, list[str]] = {}

    def build(self) -> list[Info]:
        specs: list[dict] = []
        for city, venues, houses in W.LARGE_CITIES:
            specs += self.city(city, venues, houses)
            if self.limit is not None and len(specs) >= self.limit:
                break
        specs = specs[:self.limit] if self.limit is not None else specs
        for s in specs:
            if s["kind"] == "venue" and s["supplier"] not in self.venues.setdefault(s["city"], []):
                self.venues[s["city"]].append(s["supplier"])
        return self.insert(specs)

    def unique(self, make) -> str:
        for _attempt in range(50):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise ValueError("ran out of demo names")

    def supplier(self, name: str, city: str) -> str:
        road = self.rng.choice(W.ROADS)
        self.suppliers[name] = {"name": name, "contact_name": None, "address": f"{city}市{road}{self.rng.randint(1, 999)}号",
                                "active": True}
        return name

    def resource(self, kind: str, name: str, supplier: str, city: str, **values) -> dict:
        self.codes[kind] += 1
        return {"code": f"{CODE_PREFIX[kind]}-{self.codes[kind]:04d}", "name": name, "kind": kind,
                "supplier": supplier, "city": city, "location": self.suppliers[supplier]["address"],
                "stock": 1, "setup_minutes": 0, "teardown_minutes": 0, "pricing_unit": "unit_day", **values}

    def city(self, city: str, venues: int, houses: int) -> list[dict]:
        rng = self.rng
        known = list(dict(PW.VENUES).get(city, ()))
        venue_names = [self.unique(lambda: known.pop(0) if known else
                                   f"{city}{rng.choice(W.VENUE_WORDS)}{rng.choice(W.VENUE_SUFFIXES)}")
                       for _ in range(venues)]
        halls = [self.halls(name, city, combined=i % 2 == 0) for i, name in enumerate(venue_names)]
        av = [self.av_house(city) for _ in range(houses)]
        others = self.caterers(city) + self.troupes(city) + self.coaches(city) + self.rooms(venue_names[:2], city)
        return halls[0] + av[0] + others + [h for hall in halls[1:] for h in hall] + [i for a in av[1:] for i in a]

    def halls(self, venue: str, city: str, combined: bool) -> list[dict]:
        rng, out = self.rng, []
        self.supplier(venue, city)
        if combined:
            area = rng.randint(10, 20) * 100
            a, b = (self.hall(venue, city, f"多功能厅{x}", "3F", area, 150, 120, 72, "LED 屏、音响灯光、同传间")
                    for x in "AB")
            ab = self.hall(venue, city, "多功能厅AB", "3F", 2 * area, 240, 180, 70, "两厅打通、LED 巨幕、同传间")
            ab["parts"] = [a["code"], b["code"]]
            out += [a, b, ab]
        for name, floor, (low, high), setup, teardown, per_m2, facilities in rng.sample(W.HALL_TYPES[:-1], 5):
            out.append(self.hall(venue, city, name, floor, rng.randint(low, high), setup, teardown, per_m2,
                                 facilities))
        name, floor, (low, high), setup, teardown, per_m2, facilities = W.HALL_TYPES[-1]
        for n in range(rng.randint(1, 3)):
            out.append(self.hall(venue, city, f"{name}{201 + n}", floor, rng.randint(low, high), setup, teardown,
                                 per_m2, facilities))
        return out

    def hall(self, venue, city, name, floor, area, setup, teardown, per_m2, facilities) -> dict:
        layouts = {"theatre": area * 10 // 11, "classroom": area // 2}
        if area >= 150:
            layouts["banquet"] = area * 10 // 18
        if area <= 400:
            layouts["u_shape"] = min(area // 5, 80)
        if area <= 150:
            layouts["boardroom"] = area // 4
        if area >= 300:
            layouts["reception"] = area
        return self.resource("venue", f"{venue}·{name}", venue, city, floor=floor, area_m2=Decimal(area),
                             setup_minutes=setup, teardown_minutes=teardown, pricing_unit="day", unit_label="场",
                             unit_price=Decimal(area * per_m2 // 100 * 100), facilities=facilities,
                             layouts={k: max(v, 4) for k, v in layouts.items()})

    def av_house(self, city: str) -> list[dict]:
        rng = self.rng
        house = self.supplier(self.unique(lambda: f"{city}{rng.choice(W.VENUE_WORDS)}{rng.choice(W.AV_SUFFIXES)}"),
                              city)
        return [self.resource("equipment", f"{house[:len(city) + 2]}·{name}", house, city,
                              specification=spec, stock=rng.randint(low, high), unit_label=label,
                              unit_price=Decimal(price), pricing_unit=unit, setup_minutes=setup,
                              teardown_minutes=teardown, auto_approve=price <= 200)
                for name, spec, (low, high), label, price, unit, setup, teardown
                in rng.sample(W.EQUIPMENT_TYPES, 9)]

    def caterers(self, city: str) -> list[dict]:
        rng, out = self.rng, []
        for _n in range(3):
            name = self.supplier(self.unique(
                lambda: f"{city}{rng.choice(W.VENUE_WORDS)}{rng.choice(W.CATERER_SUFFIXES)}"), city)
            packages = [(n, Decimal(rng.randint(low, high))) for n, (low, high) in rng.sample(W.PACKAGE_TYPES, 3)]
            out.append(self.resource("catering", name, name, city, stock=rng.randint(6, 25) * 100,
                                     min_guests=rng.choice((30, 50, 80, 100)), unit_label="位", pricing_unit="head",
                                     unit_price=min(p for _n, p in packages), setup_minutes=90, teardown_minutes=60,
                                     packages=packages))
        return out

    def troupes(self, city: str) -> list[dict]:
        rng, out = self.rng, []
        for _n in range(2):
            name = self.supplier(self.unique(
                lambda: f"{city}{rng.choice(W.VENUE_WORDS)}{rng.choice(W.TROUPE_SUFFIXES)}"), city)
            acts = rng.sample(W.ACT_TYPES, 3)
            out.append(self.resource("troupe", name, name, city, unit_price=Decimal(max(f for _n, _m, f in acts)),
                                     pricing_unit="event", unit_label="场", setup_minutes=90, teardown_minutes=30,
                                     acts=acts))
        return out

    def coaches(self, city: str) -> list[dict]:
        rng = self.rng
        company = self.supplier(self.unique(lambda: f"{city}{rng.choice(W.VENUE_WORDS)}旅游客运有限公司"), city)
        return [self.resource("generic", f"{company[:len(city) + 2]}·{name}", company, city,
                              stock=rng.randint(low, high), unit_label="辆", unit_price=Decimal(price), capacity=people,
                              auto_approve=True, track="coach")
                for name, (low, high), price, people in W.COACH_TYPES]

    def rooms(self, hotels: list[str], city: str) -> list[dict]:
        rng = self.rng
        return [self.resource("generic", f"{hotel}·{name}", hotel, city, stock=rng.randint(low, high),
                              unit_label="间", unit_price=Decimal(price), capacity=2, track="rooms")
                for hotel, (name, (low, high), price) in zip(hotels, W.ROOM_TYPES)]

    def insert(self, specs: list[dict]) -> list[Info]:
        session, now = self.session, utcnow()
        stamp = {"created_at": now, "updated_at": now, "version": 1}
        used = {s["supplier"] for s in specs}
        supplier_rows = [{**row, **stamp} for name, row in self.suppliers.items() if name in used]
        table = Supplier.__table__
        supplier_ids = dict(zip((r["name"] for r in supplier_rows), session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), supplier_rows).scalars()))
        extras = ("supplier", "layouts", "packages", "acts", "parts", "track")
        defaults = {c.name: None for c in Resource.__table__.columns if c.name not in ("id",)}
        defaults.update(status="available", auto_approve=False, unit_price=Decimal(0), **stamp)
        rows = [{**defaults, **{k: v for k, v in s.items() if k not in extras},
                 "supplier_id": supplier_ids[s["supplier"]]} for s in specs]
        table = Resource.__table__
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
        by_code = {s["code"]: rid for s, rid in zip(specs, ids)}
        self.children(specs, ids, by_code, stamp)
        return [self.info(s, rid, by_code) for s, rid in zip(specs, ids)]

    def children(self, specs, ids, by_code, stamp) -> None:
        session = self.session
        layouts = [{"resource_id": rid, "layout": k, "capacity": v, **stamp}
                   for s, rid in zip(specs, ids) for k, v in s.get("layouts", {}).items()]
        packages = [{"resource_id": rid, "name": n, "price_per_head": p, "description": None, **stamp}
                    for s, rid in zip(specs, ids) for n, p in s.get("packages", ())]
        acts = [{"resource_id": rid, "name": n, "duration_minutes": m, "fee": Decimal(f), **stamp}
                for s, rid in zip(specs, ids) for n, m, f in s.get("acts", ())]
        parts = [{"combined_id": rid, "part_id": by_code[code]} for s, rid in zip(specs, ids)
                 for code in s.get("parts", ()) if code in by_code]
        for table, rows in ((Layout.__table__, layouts), (Package.__table__, packages), (Act.__table__, acts),
                            (resource_part, parts)):
            if rows:
                session.execute(insert(table), rows)

    @staticmethod
    def info(spec: dict, rid: int, by_code: dict) -> Info:
        parts = tuple(by_code[c] for c in spec.get("parts", ()) if c in by_code)
        kind = spec["kind"]
        if kind == "catering":
            prices = [(p, n) for n, p in spec["packages"]]
        elif kind == "troupe":
            prices = [(Decimal(f), f"节目：{n}（{m} 分钟）") for n, m, f in spec["acts"]]
        else:
            prices = []
        track = spec.get("track") or ("hall" if kind == "venue" else kind)
        return Info(id=rid, kind=kind, track=track, city=spec["city"], price=spec["unit_price"], pricing_unit=spec["pricing_unit"],
                    setup=timedelta(minutes=spec["setup_minutes"]), teardown=timedelta(minutes=spec["teardown_minutes"]),
                    parts=parts if len(parts) > 1 else (rid,), stock=spec["stock"],
                    auto_approve=spec.get("auto_approve", False),
                    layouts=list(spec.get("layouts", {}).items()), prices=prices, min_guests=spec.get("min_guests") or 1)
