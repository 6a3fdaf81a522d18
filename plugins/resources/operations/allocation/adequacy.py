"""Which units could serve each request, at what cost, and which of them are already busy.

A unit *fits* a request when it is of the request's kind (or on its explicit
list), holds its ``need`` in seats (in the request's layout, when it names
one) and, for a stock, has ``quantity`` items. A fitting unit is an *option*
when its busy windows leave it free for the request's time widened by the
unit's own buffers: for an exclusive unit, no busy window of any unit sharing
one of its parts overlaps; for a stock, the items out at the busiest moment
still leave ``quantity``. Options are what the greedy pass and the solver choose from;
the fitting units that are not options are what the reasons name as busy.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plugins.resources.operations.allocation.occupancy import peak
from plugins.resources.operations.allocation.problem import Busy, Problem, Request, Unit


@dataclass(frozen=True)
class Option:
    """A fitting unit for one request: its price, its empty seats, and busy windows in the way."""

    unit: int  # index into Problem.units
    cost: int
    idle: int
    #: (busy window, index of the unit holding it) that keep it from the request; empty when free
    blocked: tuple[tuple[Busy, int], ...] = ()
    #: the rank among the request's fitting units, lower is preferred
    key: tuple = ()

    @property
    def free(self) -> bool:
        return not self.blocked


class Adequacy:
    """Per request (by index): the units considered, those that fit with their cost, and the free ones."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.by_kind: dict[str, list[int]] = defaultdict(list)
        for i, unit in enumerate(problem.units):
            self.by_kind[unit.kind].append(i)
        self.sharing = _sharing(problem.units)
        self.considered: list[list[int]] = []
        self.fitting: list[list[Option]] = []
        self.options: list[list[Option]] = []
        for request in problem.requests:
            considered = self._considered(request)
            fitting = sorted((self._option(request, u, cost) for u, cost in considered if self._fits(request, u)),
                             key=lambda o: o.key)
            self.considered.append([u for u, _ in considered])
            self.fitting.append(fitting)
            self.options.append([o for o in fitting if o.free])

    def _considered(self, request: Request) -> list[tuple[int, int | None]]:
        """(unit index, explicit cost or None), the explicit list first met wins on duplicates."""
        if request.candidates is None:
            return [(u, None) for u in self.by_kind.get(request.kind, ())]
        chosen: dict[int, int] = {}
        for rid, cost in request.candidates:
            chosen.setdefault(self.problem.unit_index[rid], cost)
        return list(chosen.items())

    def _fits(self, request: Request, u: int) -> bool:
        unit = self.problem.units[u]
        seats = unit.seats(request)
        if seats is None or seats < request.need:
            return False
        return unit.stock >= request.quantity if unit.stocked else request.quantity == 1

    def _option(self, request: Request, u: int, cost: int | None) -> Option:
        unit = self.problem.units[u]
        cost = unit.cost(request) if cost is None else cost
        seats = unit.seats(request)
        idle = seats - request.need if request.need and not unit.stocked else 0
        return Option(unit=u, cost=cost, idle=idle, blocked=self.blocked(request, u),
                      key=(cost + idle * self.problem.idle_seat_cost, cost, seats, u))

    def blocked(self, request: Request, u: int) -> tuple[tuple[Busy, int], ...]:
        """The busy windows that keep unit ``u`` from the request (empty when it is free of them)."""
        units = self.problem.units
        unit = units[u]
        start, end = unit.window(request)
        if unit.stocked:
            clashing = [b for b in unit.busy if b.overlaps(start, end)]
            out = peak(((b.start, b.end, b.quantity or unit.stock) for b in clashing), start, end)
            return tuple((b, u) for b in clashing) if unit.stock - out < request.quantity else ()
        return tuple((b, v) for v in self.sharing[u] for b in units[v].busy if b.overlaps(start, end))

    def available(self, request: Request, u: int) -> int:
        """Items of a stock not out in busy windows at the busiest moment of the request's time."""
        unit = self.problem.units[u]
        windows = ((b.start, b.end, b.quantity or unit.stock) for b in unit.busy)
        return unit.stock - peak(windows, *unit.window(request))


def _sharing(units: tuple[Unit, ...]) -> list[tuple[int, ...]]:
    """For each exclusive unit, the exclusive units (itself first) with a part in common; () for stocks."""
    by_part: dict = defaultdict(list)
    for i, unit in enumerate(units):
        if not unit.stocked:
            for part in unit.occupies:
                by_part[part].append(i)
    result = []
    for i, unit in enumerate(units):
        if unit.stocked:
            result.append(())
            continue
        others = sorted({v for part in unit.occupies for v in by_part[part]} - {i})
        result.append((i, *others))
    return result
