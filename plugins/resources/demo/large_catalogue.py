"""The large demo's catalogue: about 2,100 resources in 30 cities."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert

from core.db.types import utcnow
from plugins.project import demo_words as PW
from plugins.resources import demo_words as W
from plugins.resources.demo.common import CODE_PREFIX
from plugins.resources.models import (
    Act,
    Layout,
    Package,
    Resource,
    Supplier,
    resource_part,
)


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
