"""The allocation engine: who gets which hall, caterer, troupe or projectors, and why.

Two uses, one engine:

- across all pending requests of a period, ``allocate(problem)`` gives
  interchangeable resources to serve as much weight as possible, then
  spends the least (cost plus a price per empty seat), with CP-SAT, within
  a time limit, and never worse than the greedy baseline ``greedy(problem)``;
- for one project, ``propose_for_needs(units, needs)`` finds the cheapest
  conflict-free set of units for its needs (other bookings come in as the
  units' busy windows).

It reads no database and imports no web framework: callers build a
``Problem`` of ``Unit`` and ``Request`` records (see ``problem.py`` for the
units of time, money and seats) and get a ``Proposal`` back, each line with
its reasons (stable codes, translated when shown). Layout: ``problem``
(input), ``adequacy`` (who could serve whom), ``occupancy`` (who holds what),
``greedy`` (the baseline), ``structure`` (choices, limits, components),
``solver`` (CP-SAT), ``engine`` (putting them together), ``explain`` and
``reasons`` (the why), ``proposal`` (the answer).
"""
from plugins.resources.operations.allocation.engine import (
    DEFAULT_TIME_LIMIT,
    allocate,
    greedy,
    propose_for_needs,
)
from plugins.resources.operations.allocation.problem import Busy, Problem, Request, Unit
from plugins.resources.operations.allocation.proposal import (
    FEASIBLE,
    GREEDY,
    OPTIMAL,
    TIMEOUT,
    Assignment,
    Figures,
    Proposal,
    Unserved,
)
from plugins.resources.operations.allocation.reasons import Reason

__all__ = [
    "DEFAULT_TIME_LIMIT", "FEASIBLE", "GREEDY", "OPTIMAL", "TIMEOUT",
    "Assignment", "Busy", "Figures", "Problem", "Proposal", "Reason", "Request", "Unit", "Unserved",
    "allocate", "greedy", "propose_for_needs",
]
