"""The engine's ``Problem`` built from the database: every resource in play with what already holds it.

Units are the resources some request could go to, plus the physical parts
of the combined halls among them. What holds them is read from the
occupancy rows (``operations.occupancy``: bookings and maintenance, buffers
included, written by the one rule that writes them) and hung on the unit of
the part each row is on; the engine's rule that a busy unit blocks every
unit sharing one of its parts then blocks a combined hall when one of its
halls is taken, and the other way round. The rows of the bookings being
allocated are left out: they are what is being decided.

Times are minutes after local midnight of the first request's day (so
reasons print company time); money is fen. A request's choices carry the
fee ``pricing`` quotes for that resource and window; a pending booking's
choices other than its own resource also carry the price of a move. A
booking that already occupies its resource is given a weight above all
other requests together, so no answer serving more of the rest can drop it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.resources.models import Maintenance, Resource
from plugins.resources.operations import occupancy
from plugins.resources.operations.allocation import Busy, Problem, Reason, Request, Unit
from plugins.resources.operations.allocation_input import (
    Asked,
    by_kind,
    candidates,
    catalogue,
    fee,
    read_requests,
    seats_needed,
)
from plugins.resources.operations.allocation_scope import Scope
from plugins.resources.operations.settings import allocation_prices
from plugins.resources.operations.timefmt import zone


@dataclass
class Built:
    """The problem, and what the proposal needs to be told in people's terms afterwards."""

    asked: list[Asked]
    #: Requests refused before the engine (nothing to consider), with their reasons.
    refused: dict[str, tuple[Reason, ...]]
    resources: dict[int, Resource] = field(default_factory=dict)
    #: (request key, resource id) -> the fee in fen (without the price of a move).
    fees: dict[tuple[str, int], int] = field(default_factory=dict)
    problem: Problem | None = None
    #: The engine weight of a booking that is kept (see the module's docstring).
    kept_weight: int = 0


class Clock:
    """Instants as whole minutes after ``epoch``: starts rounded down, ends up, so nothing shrinks."""

    def __init__(self, epoch: datetime):
        self.epoch = epoch

    def start(self, moment: datetime) -> int:
        return math.floor((moment - self.epoch).total_seconds() / 60)

    def end(self, moment: datetime) -> int:
        return math.ceil((moment - self.epoch).total_seconds() / 60)


def build(session, scope: Scope, now: datetime) -> Built:
    asked = read_requests(session, scope)
    kinds = by_kind(catalogue(session, asked))
    built = Built(asked=asked, refused={})
    pools: dict[str, list[Resource]] = {}
    for a in asked:
        pool, reasons = candidates(a, kinds, now)
        if reasons:
            built.refused[a.key] = reasons
        else:
            pools[a.key] = pool
    built.resources = {r.id: r for rs in kinds.values() for r in rs}
    if not pools:
        return built
    seat_price, move_price = allocation_prices(session)
    served = [a for a in asked if a.key in pools]
    parts = occupancy.part_ids(session, {r.id for pool in pools.values() for r in pool})
    _load_parts(session, built.resources, parts)
    first = min(a.starts_at for a in served).astimezone(zone(session))
    clock = Clock(datetime.combine(first.date(), time(0), tzinfo=first.tzinfo))
    company = zone(session)
    busy = _busy(session, built.resources, parts, served, clock, company)
    units = [_unit(built.resources[rid], parts.get(rid, [rid]), busy.get(rid, ())) for rid in _unit_ids(parts)]
    built.kept_weight = 1 + sum(a.weight for a in served if not a.pinned)
    requests = []
    for a in served:
        choices = []
        for r in pools[a.key]:
            built.fees[(a.key, r.id)] = price = fee(a, r)
            moved = a.pinned and r.id != a.resource_id
            choices.append((r.id, price + (_fen(move_price) if moved else 0)))
        starts_at, ends_at = _counted(a.kind, a.starts_at, a.ends_at, company)
        requests.append(Request(a.key, a.kind, clock.start(starts_at), clock.end(ends_at), need=seats_needed(a),
                                quantity=a.units, weight=built.kept_weight if a.pinned else a.weight,
                                label=a.label, layout=a.layout if a.kind == "venue" else None,
                                candidates=tuple(choices)))
    built.problem = Problem(tuple(units), tuple(requests), idle_seat_cost=_fen(seat_price), epoch=clock.epoch)
    return built


def _counted(kind: str, starts_at: datetime, ends_at: datetime, company) -> tuple[datetime, datetime]:
    """The window a request or a busy row counts over: a caterer's whole company days, so that the
    engine's "at one instant" sums every service of a day, as the booking rule does
    (``occupancy.PER_DAY_KINDS``); anything else its own."""
    if kind in occupancy.PER_DAY_KINDS:
        return occupancy.days_around(company, starts_at, ends_at)
    return starts_at, ends_at


def _fen(yuan) -> int:
    return int(yuan * 100)


def _unit_ids(parts: dict[int, list[int]]) -> list[int]:
    return sorted(set(parts) | {p for ps in parts.values() for p in ps})


def _load_parts(session, resources: dict[int, Resource], parts: dict[int, list[int]]) -> None:
    """Parts of combined halls not read with the catalogue (none, unless a hall is of another kind)."""
    missing = sorted(set(_unit_ids(parts)) - set(resources))
    if missing:
        for r in session.scalars(select(Resource).where(Resource.id.in_(missing))
                                 .options(selectinload(Resource.layouts))):
            resources[r.id] = r


def _busy(session, resources, parts, served: list[Asked], clock: Clock, company) -> dict[int, list[Busy]]:
    """Busy windows per physical part, from the occupancy rows over the span of the requests."""
    physical = sorted({p for ps in parts.values() for p in ps})
    used = [resources[rid] for rid in parts]
    start = min(a.starts_at for a in served) - timedelta(minutes=max(r.setup_minutes or 0 for r in used))
    end = max(a.ends_at for a in served) + timedelta(minutes=max(r.teardown_minutes or 0 for r in used))
    start, end = occupancy.days_around(company, start, end)  # a caterer's services of those days count
    deciding = {a.booking_id for a in served if a.booking_id}
    rows = [row for row in occupancy.taken(session, physical, start, end) if row.booking_id not in deciding]
    why = _maintenance_reasons(session, rows)
    found: dict[int, list[Busy]] = {}
    for row in rows:
        part = resources[row.part_id]
        label = row.booking_code or (Reason.of("maintenance_for", why=why[row.maintenance_id])
                                     if why.get(row.maintenance_id) else Reason.of("maintenance"))
        quantity = min(max(row.quantity, 1), part.stock) if part.stock > 1 else None
        starts_at, ends_at = _counted(part.kind, row.starts_at, row.ends_at, company)
        found.setdefault(row.part_id, []).append(Busy(clock.start(starts_at), clock.end(ends_at), quantity, label))
    return found


def _maintenance_reasons(session, rows) -> dict[int, str | None]:
    ids = sorted({r.maintenance_id for r in rows if r.maintenance_id})
    if not ids:
        return {}
    return dict(session.execute(select(Maintenance.id, Maintenance.reason).where(Maintenance.id.in_(ids))
                                .execution_options(huiwu_system=True)).all())


def _unit(resource: Resource, parts: list[int], busy) -> Unit:
    combined = parts != [resource.id]
    per_day = resource.kind in occupancy.PER_DAY_KINDS  # its windows are whole days already
    layouts = tuple((x.layout, x.capacity) for x in resource.layouts) if resource.kind == "venue" else ()
    capacity = max((seats for _layout, seats in layouts), default=resource.capacity or 0) \
        if resource.kind == "venue" else 0
    return Unit(resource.id, resource.kind, f"{resource.code} {resource.name}", capacity=capacity,
                parts=tuple(parts) if combined else (), stock=1 if combined else max(resource.stock or 1, 1),
                busy=tuple(busy), setup=0 if per_day else resource.setup_minutes or 0,
                teardown=0 if per_day else resource.teardown_minutes or 0,
                layouts=layouts)
