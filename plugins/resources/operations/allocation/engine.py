"""The two ways in: ``allocate`` (greedy, then CP-SAT per component, never worse) and ``greedy`` alone."""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from plugins.resources.operations.allocation.adequacy import Adequacy
from plugins.resources.operations.allocation.greedy import first_fit, greedy_assignment, order
from plugins.resources.operations.allocation.occupancy import Occupancy
from plugins.resources.operations.allocation.problem import Problem
from plugins.resources.operations.allocation.proposal import (
    FEASIBLE,
    GREEDY,
    OPTIMAL,
    TIMEOUT,
    Figures,
    Proposal,
    build,
)
from plugins.resources.operations.allocation.solver import solve_component
from plugins.resources.operations.allocation.structure import Structure

#: seconds the whole allocation may take, model building and explanations included
DEFAULT_TIME_LIMIT = 10.0
#: CP-SAT search workers. One is the default: on a two-core machine shared with
#: the web workers it was faster than two on the benchmark's week (1.6-2.8 s
#: against 2.0-5.3 s), and one worker that proves its optimum always returns
#: the same proposal for the same input, where two may pick another equal one.
DEFAULT_WORKERS = 1
#: the least time a component gets while that much is left, in seconds
MIN_SECONDS = 0.5


def greedy(problem: Problem) -> Proposal:
    """The greedy first-fit answer alone (see ``greedy.py``), explained like any other."""
    started = time.perf_counter()
    adequacy = Adequacy(problem)
    given = greedy_assignment(adequacy)
    return build(adequacy, given, status=GREEDY, wall_time=time.perf_counter() - started)


def allocate(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT, workers: int = DEFAULT_WORKERS) -> Proposal:
    """Serve the most weight, then spend the least, within ``time_limit`` seconds.

    The answer is never worse than the greedy baseline on (served weight,
    served count, objective): the solver starts from greedy's assignment and,
    for any component where it brings back nothing better, greedy's stands.
    """
    started = time.perf_counter()
    adequacy = Adequacy(problem)
    baseline = greedy_assignment(adequacy)
    structure = Structure(adequacy)
    chosen, figures = _solve_all(structure, baseline, started + time_limit, workers)
    occupancy = Occupancy(adequacy)
    for r, u in _deal(structure, chosen).items():
        occupancy.take(r, u)
    first_fit(adequacy, occupancy, order(problem))  # after a time-out, fill what is still free
    proposal = build(adequacy, occupancy.given, wall_time=0.0, baseline=Figures.of(adequacy, baseline),
                     components=len(structure.components), **figures)
    return replace(proposal, wall_time=time.perf_counter() - started)


def _solve_all(structure: Structure, baseline: dict[int, int], deadline: float, workers: int):
    """({request: choice}, {status, weight_bound, bound}) over all components, smallest first.

    Each component gets the time left in proportion to its size, and at
    least ``MIN_SECONDS`` while that much is left: small ones usually finish
    in milliseconds and hand their time on, but a machine busy with other
    work should not starve one into a time-out.
    """
    hint = {r: structure.choice_for(r, u) for r, u in baseline.items()}
    chosen: dict[int, int] = {}
    weight_bound = bound = 0
    proven, fell_back = True, False
    components = sorted(structure.components, key=lambda c: len(c.choices))
    left = sum(len(c.choices) for c in components if c.limits)
    for component in components:
        own_hint = {r: hint[r] for r in component.requests if r in hint}
        now = time.perf_counter()
        remaining = max(0.0, deadline - now)
        share = min(remaining, max(remaining * len(component.choices) / max(left, 1), MIN_SECONDS))
        if component.limits:
            left -= len(component.choices)
        outcome = solve_component(structure, component, own_hint, now + share, workers) \
            if share > 0 or not component.limits else None
        if outcome is None or not outcome.solved or _rank(structure, outcome.chosen) < _rank(structure, own_hint):
            chosen.update(own_hint)
            fell_back, proven = True, False
            # only trivial bounds there: all of its weight, and 0 for the objective
            weight_bound += sum(structure.problem.requests[r].weight for r in component.requests)
            continue
        chosen.update(outcome.chosen)
        weight_bound += outcome.weight_bound
        bound += outcome.bound
        proven = proven and outcome.proven
    status = TIMEOUT if fell_back else OPTIMAL if proven else FEASIBLE
    return chosen, {"status": status, "weight_bound": weight_bound, "bound": bound}


def propose_for_needs(units, needs, *, epoch=None, idle_seat_cost: int = 1,
                      time_limit: float = DEFAULT_TIME_LIMIT) -> Proposal:
    """One project's mode: the cheapest conflict-free set of units for its needs (``Request`` records).

    It is the same engine: the needs are the only requests, the units' busy
    windows carry everyone else's bookings, so the answer serves as many
    needs (by weight) as can be, then picks the cheapest and snuggest units.
    """
    return allocate(Problem(tuple(units), tuple(needs), idle_seat_cost=idle_seat_cost, epoch=epoch),
                    time_limit=time_limit)


def _rank(structure: Structure, chosen: dict[int, int]) -> tuple[int, int, int]:
    """What "better" means: more weight, then more requests, then a lower objective."""
    weight = sum(structure.problem.requests[r].weight for r in chosen)
    return weight, len(chosen), -sum(structure.choices[c].option.key[0] for c in chosen.values())


def _deal(structure: Structure, chosen: dict[int, int]) -> dict[int, int]:
    """{request: unit} from {request: choice}: a pool's requests by start time, each to its first free unit."""
    requests, units = structure.problem.requests, structure.problem.units
    given, pooled = {}, defaultdict(list)
    for r, c in chosen.items():
        members = structure.slots[structure.choices[c].slot]
        if len(members) == 1:
            given[r] = members[0]
        else:
            pooled[members].append(r)
    for members, rs in pooled.items():
        window = units[members[0]].window  # a pool's units share their buffers
        free_from = dict.fromkeys(members, float("-inf"))
        for r in sorted(rs, key=lambda r: (requests[r].start, requests[r].end, r)):
            start, end = window(requests[r])
            u = next(u for u in members if free_from[u] <= start)
            given[r], free_from[u] = u, end
    return given

