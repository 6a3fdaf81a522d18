"""What the requests given out so far hold, to ask whether one more still fits and who is in the way.

The greedy pass fills it request by request; the explanations read the final
one to name, for a passed-over or refused unit, the request that holds it.
"""
from __future__ import annotations

from collections import defaultdict


def peak(windows, start: int, end: int) -> int:
    """The largest total quantity out at one moment of [start, end), over ``(start, end, quantity)`` windows."""
    events = []
    for s, e, q in windows:
        if s < end and start < e:
            events.append((max(s, start), q))
            events.append((min(e, end), -q))
    events.sort()  # at equal times the negative (an end) comes first: half-open intervals
    best = level = 0
    for _, q in events:
        level += q
        best = max(best, level)
    return best


class Occupancy:
    """Requests (by index) given to units (by index), with the questions the engine asks of them."""

    def __init__(self, adequacy):
        self.adequacy = adequacy
        self.problem = adequacy.problem
        self.given: dict[int, int] = {}
        self.on_unit: dict[int, list[int]] = defaultdict(list)

    def take(self, r: int, u: int) -> None:
        self.given[r] = u
        self.on_unit[u].append(r)

    def holders(self, r: int, u: int) -> list[tuple[int, int]]:
        """(request, unit) pairs given out whose time overlaps request ``r`` on ``u`` or a unit sharing a part.

        Each side's time is widened by the buffers of the unit it is on, as
        the database counts them.
        """
        requests, units = self.problem.requests, self.problem.units
        start, end = units[u].window(requests[r])
        near = self.adequacy.sharing[u] or (u,)
        found = []
        for v in near:
            for h in self.on_unit.get(v, ()):
                their_start, their_end = units[v].window(requests[h])
                if h != r and their_start < end and start < their_end:
                    found.append((h, v))
        return found

    def free_items(self, r: int, u: int) -> int:
        """Items of stock ``u`` neither busy nor given out at the busiest moment of request ``r``'s time."""
        requests, unit = self.problem.requests, self.problem.units[u]
        windows = [(b.start, b.end, b.quantity or unit.stock) for b in unit.busy]
        windows += [(*unit.window(requests[h]), requests[h].quantity) for h, _ in self.holders(r, u)]
        return unit.stock - peak(windows, *unit.window(requests[r]))

    def fits(self, r: int, u: int) -> bool:
        """Whether request ``r`` can still go to ``u`` (its busy windows are the option's concern)."""
        if self.problem.units[u].stocked:
            return self.free_items(r, u) >= self.problem.requests[r].quantity
        return not self.holders(r, u)
