"""The large demo: timelines built so that nothing collides, written in bulk (see the package)."""
from __future__ import annotations

import logging
import math
import random
import time as clock
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, text

from core.db.types import utcnow
from core.errors import Conflict
from core.services.models import SequenceCounter
from plugins.project import demo_words as PW
from plugins.project.demo import target_status
from plugins.project.models import Project, Requirement
from plugins.project.operations.projects import CODE_PATTERN, CODE_SEQUENCE
from plugins.resources import demo_words as W
from plugins.resources.demo.common import APPROVING_DEPARTMENT, BOOKING_CODE, BOOKING_SEQUENCE, approvers, quote
from plugins.resources.demo.large_catalogue import Info, LargeCatalogue
from plugins.resources.models import (
    Booking,
    Layout,
    Maintenance,
    Occupancy,
    Resource,
    resource_part,
)
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations.timefmt import zone

log = logging.getLogger(__name__)

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
