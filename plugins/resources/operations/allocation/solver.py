"""CP-SAT over each component: first serve the most weight, then spend the least.

The objective is lexicographic and solved in two passes on the same model,
which keeps it exact without a big-M that would blur the cost bound:

1. maximise Σ (weight × (n + 1) + 1) × served over the component's n
   requests: weight first, and among equal weights the most requests (the
   count can never outweigh one unit of weight, since it is at most n);
2. fix that value as a floor and minimise Σ (cost + idle_seat_cost × empty
   seats) over the choices; ``best_objective_bound`` is then a lower bound
   on the cost of serving that much.

Each pass starts from a hint (the greedy assignment, then the first pass's
answer), so a time-out still leaves something at least as good as greedy;
if the solver returns nothing better anyway, the caller keeps greedy's.
When greedy already serves every request of a component, the first pass is
skipped: nothing can beat that.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from plugins.resources.operations.allocation.structure import Component, Structure

#: share of a component's time given to the first pass (the second gets the rest)
FIRST_PASS_SHARE = 0.5


@dataclass
class Outcome:
    """One component's answer: {request: choice}, and what the solver could prove about it."""

    chosen: dict[int, int]
    weight_bound: int
    objective: int
    bound: int
    proven: bool
    solved: bool  # False: the solver found nothing within its time


def solve_component(structure: Structure, component: Component, hint: dict[int, int],
                    deadline: float, workers: int) -> Outcome:
    """Solve one component by ``deadline`` (a ``time.perf_counter()`` value), starting from ``hint``."""
    weights = {r: structure.problem.requests[r].weight for r in component.requests}
    if not component.limits:
        chosen = {r: structure.by_request[r][0] for r in component.requests}
        objective = _cost(structure, chosen)
        return Outcome(chosen, sum(weights.values()), objective, objective, proven=True, solved=True)
    model = _Model(structure, component, workers)
    if model.value(hint) == model.value(component.requests):  # greedy serves everyone: nothing to gain
        best, weight_bound, proven = hint, sum(weights.values()), True
    else:
        model.model.maximize(model.served)
        first = model.run(hint, time.perf_counter() + (deadline - time.perf_counter()) * FIRST_PASS_SHARE)
        if first is None:
            return Outcome(hint, 0, _cost(structure, hint), 0, proven=False, solved=False)
        best, solver, status = first
        weight_bound, proven = math.floor(solver.best_objective_bound + 1e-6) // model.scale, status == cp_model.OPTIMAL
    model.model.add(model.served >= model.value(best))
    model.model.minimize(sum(structure.choices[c].option.key[0] * var for c, var in model.x.items()))
    second = model.run(best, deadline)
    if second is None:
        return Outcome(best, weight_bound, _cost(structure, best), 0, proven=False, solved=True)
    chosen, solver, status = second
    return Outcome(chosen, weight_bound, round(solver.objective_value),
                   math.ceil(solver.best_objective_bound - 1e-6),
                   proven=proven and status == cp_model.OPTIMAL, solved=True)


class _Model:
    """The CP-SAT model of one component: a boolean per choice, at most one per request, the limits."""

    def __init__(self, structure: Structure, component: Component, workers: int):
        self.structure, self.workers = structure, workers
        self.model = model = cp_model.CpModel()
        self.x = x = {c: model.new_bool_var(f"x{c}") for c in component.choices}
        for r in component.requests:
            model.add_at_most_one(x[c] for c in structure.by_request[r])
        for limit in component.limits:
            if limit.coefs is None and limit.bound == 1:
                model.add_at_most_one(x[c] for c in limit.choices)
            else:
                coefs = limit.coefs or (1,) * len(limit.choices)
                model.add(sum(k * x[c] for k, c in zip(coefs, limit.choices)) <= limit.bound)
        self.scale = len(component.requests) + 1
        self.served = sum(self._worth(structure.choices[c].request) * var for c, var in x.items())

    def _worth(self, r: int) -> int:
        return self.structure.problem.requests[r].weight * self.scale + 1

    def value(self, requests) -> int:
        """The first pass's objective for serving ``requests`` (an iterable of request indices)."""
        return sum(self._worth(r) for r in requests)

    def run(self, hint: dict[int, int], deadline: float):
        """Solve from ``hint`` until ``deadline``: ({request: choice}, solver, status), or None if nothing came."""
        self.model.clear_hints()
        hinted = set(hint.values())
        for c, var in self.x.items():
            self.model.add_hint(var, c in hinted)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        solver.parameters.num_workers = self.workers
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = {self.structure.choices[c].request: c for c, var in self.x.items() if solver.boolean_value(var)}
        return chosen, solver, status


def _cost(structure: Structure, chosen: dict[int, int]) -> int:
    return sum(structure.choices[c].option.key[0] for c in chosen.values())
