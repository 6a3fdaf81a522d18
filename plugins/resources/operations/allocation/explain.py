"""The reasons behind a final assignment: why this unit, why not a cheaper one, why nothing at all.

Everything here reads the final occupancy, so a reason names what really
stands in the way in the proposal: a busy window (an existing booking,
maintenance), or another request of the proposal holding the unit or a unit
sharing one of its parts. In an optimal answer every preferred unit passed
over, and every fitting unit of a refused request, has such a cause; when
the solver stopped early and one is in fact free, the reasons say so.
"""
from __future__ import annotations

from plugins.resources.operations.allocation.adequacy import Adequacy, Option
from plugins.resources.operations.allocation.occupancy import Occupancy
from plugins.resources.operations.allocation.reasons import Reason

#: preferred alternatives named for an assignment, clashing units named for a refusal
MAX_NAMED = 3
MAX_CLASHES = 5


def why_not(adequacy: Adequacy, occupancy: Occupancy, r: int, option: Option) -> tuple[Reason, ...]:
    """What keeps request ``r`` from the option's unit in the proposal; () when it is free."""
    problem = adequacy.problem
    units, u = problem.units, option.unit
    found = []
    for busy, owner in option.blocked:
        what = busy.label or Reason.of("booked")
        span = problem.span(busy.start, busy.end)
        found.append(Reason.of("busy", span=span, what=what) if owner == u
                     else Reason.of("busy_shared", other=units[owner].name, span=span, what=what))
    if units[u].stocked:
        free = occupancy.free_items(r, u)
        if not found and free < problem.requests[r].quantity:
            found.append(Reason.of("short", available=max(free, 0), stock=units[u].stock))
        return tuple(found)
    for h, v in occupancy.holders(r, u):
        holder, span = problem.requests[h].title, problem.span(problem.requests[h].start, problem.requests[h].end)
        found.append(Reason.of("taken", holder=holder, span=span) if v == u
                     else Reason.of("taken_shared", other=units[v].name, holder=holder, span=span))
    return tuple(found)


def assignment_reasons(adequacy: Adequacy, occupancy: Occupancy, r: int, u: int) -> tuple[Reason, ...]:
    """What the unit offers the request, whether anything preferable existed, and why it was passed over."""
    problem = adequacy.problem
    request, unit = problem.requests[r], problem.units[u]
    chosen = next(o for o in adequacy.fitting[r] if o.unit == u)
    if unit.stocked:
        fact = Reason.of("fits_stock", unit=unit.name, quantity=request.quantity,
                         available=occupancy.free_items(r, u), stock=unit.stock)
    elif request.need:
        fact = Reason.of("fits_seats", unit=unit.name, capacity=unit.seats(request), need=request.need)
    else:
        fact = Reason.of("fits", unit=unit.name)
    notes, any_free = [], False
    for option in adequacy.fitting[r]:
        if option.key[0] >= chosen.key[0]:
            break
        why = why_not(adequacy, occupancy, r, option)
        any_free = any_free or not why
        which = Reason.of("cheaper" if option.cost < chosen.cost else "smaller")
        notes.append(Reason.of("passed_over", unit=problem.units[option.unit].name, which=which,
                               why=why or (Reason.of("free"),)))
    rank = "not_best" if any_free else "best_free" if notes else "best"
    return (fact, Reason.of(rank), *_capped(notes, MAX_NAMED))


def unserved_reasons(adequacy: Adequacy, occupancy: Occupancy, r: int) -> tuple[Reason, ...]:
    """Why request ``r`` got nothing: no such kind, nothing large enough or stocked enough, or all taken."""
    problem = adequacy.problem
    request = problem.requests[r]
    considered = [problem.units[u] for u in adequacy.considered[r]]
    if not considered:
        return (Reason.of("no_candidates") if request.candidates is not None
                else Reason.of("no_kind", kind=request.kind),)
    if not adequacy.fitting[r]:
        large = [unit for unit in considered if (unit.seats(request) or 0) >= request.need]
        if not large:
            largest = max(u.seats(request) or 0 for u in considered)
            return (Reason.of("too_small", need=request.need, largest=largest),)
        return (Reason.of("stock_short", quantity=request.quantity, largest=max(u.stock for u in large)),)
    clashes = []
    for option in adequacy.fitting[r]:
        why = why_not(adequacy, occupancy, r, option)
        name = problem.units[option.unit].name
        if not why:
            return (Reason.of("unreached", unit=name),)
        clashes.append(Reason.of("clash", unit=name, why=why))
    return (Reason.of("all_taken", clashes=tuple(_capped(clashes, MAX_CLASHES))),)


def _capped(reasons: list[Reason], limit: int) -> list[Reason]:
    """The first ``limit`` reasons, and "and N more" for the rest."""
    if len(reasons) <= limit:
        return reasons
    return [*reasons[:limit], Reason.of("more", count=len(reasons) - limit)]
