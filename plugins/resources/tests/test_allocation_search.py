"""The engine against exhaustive search on small random cases, with a checker that shares no code with it."""
import itertools
import random
from dataclasses import replace

import pytest

from plugins.resources.operations.allocation import OPTIMAL, Busy, Problem, Request, Unit, allocate, greedy


def random_problem(seed: int) -> Problem:
    """Halls (a pair with its combined hall, maybe two alike), projectors in stock, busy windows, 5-6 requests."""
    rnd = random.Random(seed)
    units = [Unit("A", "hall", "A", 100, parts=("A",), fixed_cost=rnd.choice([300, 500])),
             Unit("B", "hall", "B", 60, parts=("B",), fixed_cost=rnd.choice([200, 500])),
             Unit("AB", "hall", "AB", 160, parts=("A", "B"), fixed_cost=rnd.choice([400, 700])),
             Unit("P", "projector", "P", stock=rnd.choice([3, 4]), fixed_cost=10)]
    pool = rnd.random() < 0.5  # two interchangeable rooms instead of one odd one
    units += [Unit(f"D{i}", "hall", f"D{i}", 80, fixed_cost=250) for i in (1, 2)] if pool else \
        [Unit("C", "hall", "C", rnd.choice([40, 100, 200]), fixed_cost=rnd.choice([100, 600]), hourly_cost=60)]
    units = [u if rnd.random() < 0.6 else replace(u, busy=(_busy(rnd, u),)) for u in units]
    requests = []
    for i in range(5 if pool else rnd.choice([5, 6])):
        start = rnd.randrange(8, 18) * 60
        end = start + rnd.choice([1, 2, 3, 4]) * 60
        if rnd.random() < 0.3:
            requests.append(Request(i, "projector", start, end, quantity=rnd.choice([1, 2, 3]),
                                    weight=rnd.choice([1, 2, 3])))
        else:
            requests.append(Request(i, "hall", start, end, need=rnd.choice([0, 30, 50, 90, 150]),
                                    weight=rnd.choice([1, 1, 2, 3])))
    return Problem(tuple(units), tuple(requests), idle_seat_cost=rnd.choice([0, 1, 3]))


def _busy(rnd, unit):
    start = rnd.randrange(8, 18) * 60
    return Busy(start, start + 120, quantity=rnd.choice([None, 1, 2]) if unit.stocked else None)


def overlap(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def busy_load(unit, t) -> int:
    return sum(b.quantity or unit.stock for b in unit.busy if b.start <= t < b.end)


def feasible(problem: Problem, given: dict) -> bool:
    """Every rule checked from the problem's data alone: size, kind, busy, parts, stock over time."""
    units = {u.resource_id: u for u in problem.units}
    requests = {r.id: r for r in problem.requests}
    for rid, uid in given.items():
        r, u = requests[rid], units[uid]
        if u.kind != r.kind or u.capacity < r.need or (not u.stocked and r.quantity != 1):
            return False
        if not u.stocked:
            parts = set(u.parts or (uid,))
            for other in problem.units:
                if parts & set(other.parts or (other.resource_id,)) and not other.stocked and \
                        any(overlap((b.start, b.end), (r.start, r.end)) for b in other.busy):
                    return False
    for (ra, ua), (rb, ub) in itertools.combinations(given.items(), 2):
        a, b, x, y = requests[ra], requests[rb], units[ua], units[ub]
        if not x.stocked and not y.stocked and set(x.parts or (ua,)) & set(y.parts or (ub,)) and \
                overlap((a.start, a.end), (b.start, b.end)):
            return False
    for uid, u in units.items():
        mine = [requests[rid] for rid, v in given.items() if v == uid]
        if u.stocked:
            for t in {r.start for r in mine} | {b.start for b in u.busy}:
                if busy_load(u, t) + sum(r.quantity for r in mine if r.start <= t < r.end) > u.stock:
                    return False
    return True


def rank(problem: Problem, given: dict) -> tuple:
    units = {u.resource_id: u for u in problem.units}
    requests = {r.id: r for r in problem.requests}
    objective = 0
    for rid, uid in given.items():
        r, u = requests[rid], units[uid]
        idle = u.capacity - r.need if r.need and not u.stocked else 0
        objective += u.cost(r) + problem.idle_seat_cost * idle
    return sum(requests[rid].weight for rid in given), len(given), -objective


def best_by_search(problem: Problem) -> tuple:
    choices = [[None] + [u.resource_id for u in problem.units if u.kind == r.kind] for r in problem.requests]
    best = (0, 0, 0)
    for pick in itertools.product(*choices):
        given = {r.id: uid for r, uid in zip(problem.requests, pick) if uid is not None}
        if feasible(problem, given):
            best = max(best, rank(problem, given))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_engine_finds_what_exhaustive_search_finds(seed):
    problem = random_problem(seed)
    proposal = allocate(problem, time_limit=5)
    assert feasible(problem, proposal.given())
    assert proposal.status == OPTIMAL
    assert rank(problem, proposal.given()) == best_by_search(problem)
    f = proposal.figures
    assert (f.weight, f.served, -f.objective) == rank(problem, proposal.given())
    assert proposal.bound == f.objective and proposal.weight_bound == f.weight
    baseline = greedy(problem)
    assert feasible(problem, baseline.given())
    assert rank(problem, baseline.given()) <= rank(problem, proposal.given())
    assert len(proposal.assignments) + len(proposal.unserved) == len(problem.requests)
