"""The shape of the model before any solver sees it: choices, limits, and independent parts.

Because every request has fixed times, "no two overlapping requests on one
part" needs no interval variables: it is enough that, at each moment where a
new set of requests overlaps (a maximal clique of the interval graph), at
most one of them holds the part. These clique constraints are exact for
intervals and give the solver a tight linear relaxation. A stock gets the
same at every start: the items taken by the requests running then, plus its
busy windows, stay within the stock.

Three reductions keep the model small:

- *pools*: exclusive units with no shared parts that every request sees
  alike (same options, costs, empty seats and buffers) are interchangeable; one
  choice "any of these k" with at most k at a time replaces k copies, and
  concrete units are dealt afterwards (interval colouring: by start time,
  each request to the first unit free; k never runs out because at most k
  overlap);
- *components*: requests linked by no constraint, directly or through
  others, are solved apart (typically one per day of a week);
- a component without constraints needs no solver: each request takes its
  best option.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from plugins.resources.operations.allocation.adequacy import Adequacy, Option


@dataclass(frozen=True)
class Choice:
    """Request ``request`` served by slot ``slot`` (one unit, or a pool of interchangeable units)."""

    request: int
    slot: int
    option: Option  # of the slot's first unit; the same for every unit of a pool


@dataclass(frozen=True)
class Limit:
    """sum(coef × chosen) ≤ bound over some choices; ``coefs`` None means all 1."""

    choices: tuple[int, ...]
    bound: int
    coefs: tuple[int, ...] | None = None


@dataclass
class Component:
    requests: list[int] = field(default_factory=list)
    choices: list[int] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)


class Structure:
    """Slots, choices per request, limits, and the components they split into."""

    def __init__(self, adequacy: Adequacy):
        self.adequacy = adequacy
        self.problem = adequacy.problem
        self.slots, self.slot_of_unit = _pools(adequacy)
        self.choices: list[Choice] = []
        self.by_request: list[list[int]] = []
        for r, options in enumerate(adequacy.options):
            mine = []
            for option in options:
                slot = self.slot_of_unit[option.unit]
                if self.slots[slot][0] == option.unit:  # a pool is offered once, through its first unit
                    mine.append(len(self.choices))
                    self.choices.append(Choice(r, slot, option))
            self.by_request.append(mine)
        self.limits = self._part_limits() + self._pool_limits() + self._stock_limits()
        self.components = self._components()

    def choice_for(self, r: int, u: int) -> int | None:
        """The choice that stands for giving request ``r`` unit ``u``."""
        slot = self.slot_of_unit[u]
        return next((c for c in self.by_request[r] if self.choices[c].slot == slot), None)

    def _span(self, c: int) -> tuple[int, int]:
        """What the choice takes of its slot: the request's times widened by the slot's buffers."""
        choice = self.choices[c]
        return self.problem.units[self.slots[choice.slot][0]].window(self.problem.requests[choice.request])

    def _part_limits(self) -> list[Limit]:
        units = self.problem.units
        by_part: dict = defaultdict(list)
        for c, choice in enumerate(self.choices):
            members = self.slots[choice.slot]
            unit = units[members[0]]
            if len(members) == 1 and not unit.stocked:
                for part in unit.occupies:
                    by_part[part].append(c)
        return [limit for part in sorted(by_part, key=repr) for limit in self._cliques(by_part[part], 1)]

    def _pool_limits(self) -> list[Limit]:
        by_slot: dict[int, list[int]] = defaultdict(list)
        for c, choice in enumerate(self.choices):
            if len(self.slots[choice.slot]) > 1:
                by_slot[choice.slot].append(c)
        return [limit for slot, members in sorted(by_slot.items())
                for limit in self._cliques(members, len(self.slots[slot]))]

    def _cliques(self, members: list[int], bound: int) -> list[Limit]:
        """The maximal sets of members overlapping at one moment, where more than ``bound`` requests meet."""
        events = sorted((t, kind, c) for c in members for t, kind in zip(self._span(c), (1, 0)))
        active: set[int] = set()
        rising, limits = False, []
        for _, starting, c in events:  # at equal times ends (0) sort before starts (1)
            if starting:
                active.add(c)
                rising = True
                continue
            if rising and len({self.choices[m].request for m in active}) > bound:
                limits.append(Limit(tuple(sorted(active)), bound))
            rising = False
            active.discard(c)
        return limits

    def _stock_limits(self) -> list[Limit]:
        units, requests = self.problem.units, self.problem.requests
        by_unit: dict[int, list[int]] = defaultdict(list)
        for c, choice in enumerate(self.choices):
            unit = self.slots[choice.slot][0]
            if units[unit].stocked:
                by_unit[unit].append(c)
        limits, seen = [], set()
        for u, members in sorted(by_unit.items()):
            unit = units[u]
            points = {self._span(c)[0] for c in members}
            low, high = min(points), max(self._span(c)[1] for c in members)
            points |= {b.start for b in unit.busy if low < b.start < high}
            for t in sorted(points):
                active = tuple(c for c in members if self._span(c)[0] <= t < self._span(c)[1])
                quantities = tuple(requests[self.choices[c].request].quantity for c in active)
                bound = unit.stock - sum(b.quantity or unit.stock for b in unit.busy if b.start <= t < b.end)
                if sum(quantities) > bound and (active, bound) not in seen:
                    seen.add((active, bound))
                    limits.append(Limit(active, bound, quantities))
        return limits

    def _components(self) -> list[Component]:
        parent = list(range(len(self.problem.requests)))

        def root(r):
            while parent[r] != r:
                parent[r] = parent[parent[r]]
                r = parent[r]
            return r

        for limit in self.limits:
            first = root(self.choices[limit.choices[0]].request)
            for c in limit.choices[1:]:
                parent[root(self.choices[c].request)] = first
        groups: dict[int, Component] = {}
        for r in range(len(parent)):
            if self.by_request[r]:
                component = groups.setdefault(root(r), Component())
                component.requests.append(r)
                component.choices.extend(self.by_request[r])
        for limit in self.limits:
            groups[root(self.choices[limit.choices[0]].request)].limits.append(limit)
        return list(groups.values())


def _pools(adequacy: Adequacy) -> tuple[list[tuple[int, ...]], list[int]]:
    """Slots (tuples of unit indices) and the slot of every unit; interchangeable units share one."""
    units = adequacy.problem.units
    seen_by: dict[int, list] = defaultdict(list)
    for r, options in enumerate(adequacy.options):
        for o in options:
            seen_by[o.unit].append((r, o.cost, o.idle))
    slots: list[tuple[int, ...]] = []
    slot_of_unit = [0] * len(units)
    pooled: dict[tuple, int] = {}
    for u, unit in enumerate(units):
        simple = not unit.stocked and adequacy.sharing[u] == (u,) and seen_by[u]
        signature = (unit.kind, unit.capacity, unit.setup, unit.teardown, tuple(seen_by[u])) if simple else None
        if signature is not None and signature in pooled:
            slot = pooled[signature]
            slots[slot] += (u,)
        else:
            slot = len(slots)
            slots.append((u,))
            if signature is not None:
                pooled[signature] = slot
        slot_of_unit[u] = slot
    return slots, slot_of_unit
