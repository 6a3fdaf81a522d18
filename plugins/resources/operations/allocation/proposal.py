"""What the engine answers: who gets what at what cost and why, who gets nothing and why, and how sure it is."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from plugins.resources.operations.allocation.adequacy import Adequacy
from plugins.resources.operations.allocation.explain import assignment_reasons, unserved_reasons
from plugins.resources.operations.allocation.occupancy import Occupancy
from plugins.resources.operations.allocation.reasons import Reason, sentence

#: every component solved to proven optimum
OPTIMAL = "optimal"
#: the time limit stopped the solver with a good answer it could not prove best
FEASIBLE = "feasible"
#: the time limit left some component with nothing better than greedy's answer, which is used there
TIMEOUT = "timeout"
#: the greedy baseline alone, no solver
GREEDY = "greedy"


@dataclass(frozen=True)
class Assignment:
    request_id: Hashable
    resource_id: Hashable
    cost: int
    idle: int  # empty seats
    reasons: tuple[Reason, ...]

    @property
    def text(self) -> str:
        return sentence(self.reasons)


@dataclass(frozen=True)
class Unserved:
    request_id: Hashable
    reasons: tuple[Reason, ...]

    @property
    def text(self) -> str:
        return sentence(self.reasons)


@dataclass(frozen=True)
class Figures:
    """The measures of one answer: served count and weight, cost, empty seats, second-pass objective."""

    served: int
    weight: int
    cost: int
    idle: int
    objective: int  # cost + idle_seat_cost × empty seats

    @classmethod
    def of(cls, adequacy: Adequacy, given: dict[int, int]) -> Figures:
        options = [next(o for o in adequacy.fitting[r] if o.unit == u) for r, u in given.items()]
        return cls(served=len(given), weight=sum(adequacy.problem.requests[r].weight for r in given),
                   cost=sum(o.cost for o in options), idle=sum(o.idle for o in options),
                   objective=sum(o.key[0] for o in options))


@dataclass(frozen=True)
class Proposal:
    """An allocation to show, accept or discard; nothing is booked by making one.

    ``weight_bound`` is an upper bound on the weight any allocation could
    serve, ``bound`` a lower bound on the objective at the served weight
    reached (both None for the greedy baseline alone); ``baseline`` holds the
    greedy figures the answer is compared with.
    """

    assignments: tuple[Assignment, ...]
    unserved: tuple[Unserved, ...]
    figures: Figures
    status: str
    wall_time: float
    weight_bound: int | None = None
    bound: int | None = None
    baseline: Figures | None = None
    components: int = 0

    @property
    def served(self) -> int:
        return self.figures.served

    @property
    def served_weight(self) -> int:
        return self.figures.weight

    @property
    def total_cost(self) -> int:
        return self.figures.cost

    @property
    def gap(self) -> float | None:
        """(objective − bound) / objective: 0 when proven cheapest, None when nothing bounds it."""
        if self.bound is None:
            return None
        objective = self.figures.objective
        return (objective - self.bound) / objective if objective else 0.0

    def given(self) -> dict:
        """{request id: resource id}."""
        return {a.request_id: a.resource_id for a in self.assignments}

    def assignment(self, request_id) -> Assignment | None:
        return next((a for a in self.assignments if a.request_id == request_id), None)

    def refusal(self, request_id) -> Unserved | None:
        return next((u for u in self.unserved if u.request_id == request_id), None)


def build(adequacy: Adequacy, given: dict[int, int], *, status: str, wall_time: float, **extra) -> Proposal:
    """The proposal for ``given`` ({request index: unit index}), every line explained."""
    problem = adequacy.problem
    occupancy = Occupancy(adequacy)
    for r, u in given.items():
        occupancy.take(r, u)
    assignments, unserved = [], []
    for r, request in enumerate(problem.requests):
        if r in given:
            u = given[r]
            option = next(o for o in adequacy.fitting[r] if o.unit == u)
            assignments.append(Assignment(request.id, problem.units[u].resource_id, option.cost, option.idle,
                                          assignment_reasons(adequacy, occupancy, r, u)))
        else:
            unserved.append(Unserved(request.id, unserved_reasons(adequacy, occupancy, r)))
    return Proposal(tuple(assignments), tuple(unserved), Figures.of(adequacy, given), status, wall_time, **extra)
