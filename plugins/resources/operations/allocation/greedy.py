"""The greedy first-fit baseline: most important request first, each to its best free unit.

Requests go by weight (heaviest first), then start, end and input order;
each takes the first of its options (cheapest, then fewest empty seats) that
requests placed before it left free. It is fast and often good, but it never
reconsiders: one early request in the wrong hall can leave a later one
without any. It is the yardstick the solver must beat, the solver's starting
point (its hint), and the answer of last resort when the solver has no time.
"""
from __future__ import annotations

from collections.abc import Iterable

from plugins.resources.operations.allocation.adequacy import Adequacy
from plugins.resources.operations.allocation.occupancy import Occupancy
from plugins.resources.operations.allocation.problem import Problem


def order(problem: Problem) -> list[int]:
    """Request indices in the order greedy serves them."""
    requests = problem.requests
    return sorted(range(len(requests)),
                  key=lambda r: (-requests[r].weight, requests[r].start, requests[r].end, r))


def first_fit(adequacy: Adequacy, occupancy: Occupancy, requests: Iterable[int]) -> None:
    """Give each request not yet given out the first of its options it still fits."""
    for r in requests:
        if r in occupancy.given:
            continue
        for option in adequacy.options[r]:
            if occupancy.fits(r, option.unit):
                occupancy.take(r, option.unit)
                break


def greedy_assignment(adequacy: Adequacy) -> dict[int, int]:
    """{request index: unit index} as the greedy pass gives them."""
    occupancy = Occupancy(adequacy)
    first_fit(adequacy, occupancy, order(adequacy.problem))
    return dict(occupancy.given)
