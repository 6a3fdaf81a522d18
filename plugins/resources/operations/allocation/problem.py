"""The allocation problem as plain frozen data: what can be booked, what is asked, and when.

The engine never reads the database. The caller (the booking operations)
turns resources and requests into these records, so the engine can be
tested, benchmarked and re-run on a what-if copy without a session:

- times are integers on one axis the caller picks: minutes after
  ``Problem.epoch`` (``epoch`` is used only to print times in reasons);
  intervals are half-open, so a booking ending at 12:00 and one starting at
  12:00 do not clash. A request's times are what the client uses; a unit's
  ``setup`` and ``teardown`` minutes widen them on that unit (a hall is
  being dressed before and cleared after), while busy windows are given as
  already occupied, buffers included;
- money is integers in minor units (fen), as CP-SAT works on integers;
- seats: a unit's ``capacity``, or, for a request naming a ``layout``, the
  unit's seats in that layout (a hall seats 300 as a theatre and 120 as a
  banquet); a unit not set up that way does not fit such a request.
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from flask_babel import lazy_gettext as _l

from core.errors import ValidationFailed

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Busy:
    """A window in which a unit is already taken: a booking (buffers included), maintenance."""

    start: int
    end: int
    #: items taken on a stocked unit; None takes the whole unit
    quantity: int | None = None
    #: what holds it ("booking 1024", or a ``Reason`` rendered late), named in the reasons
    label: object = ""

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Unit:
    """One bookable thing: a hall, a combined hall, a stock of projectors, a caterer, a troupe.

    A unit of ``stock`` 1 is exclusive: two requests given to it, or to any
    unit sharing one of its ``parts``, must not overlap in time. That is how
    a combined hall works: hall AB has parts (A, B), so booking AB blocks A
    and B and the other way round. A unit of ``stock`` > 1 (projectors,
    chairs) is shared: requests take ``quantity`` items each, and at no
    moment may more than ``stock`` items be out, counting its busy windows.
    """

    resource_id: Hashable
    kind: str
    name: str
    #: seats (guests, people) it holds; 0 when size does not apply
    capacity: int = 0
    #: the physical parts it occupies; empty means just itself, ``(resource_id,)``
    parts: tuple = ()
    #: identical items held; > 1 makes it a shared stock (which has no parts)
    stock: int = 1
    #: windows already taken; ``(start, end)`` and ``(start, end, quantity)`` tuples are accepted
    busy: tuple[Busy, ...] = ()
    #: price per booking, and per hour booked (per item for a stock), in minor units
    fixed_cost: int = 0
    hourly_cost: int = 0
    #: minutes it is taken before and after a request's own times (dressing and clearing a hall)
    setup: int = 0
    teardown: int = 0
    #: seats per layout, ``(("theatre", 300), ("banquet", 120))``; a request with a layout reads these
    layouts: tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "parts", tuple(self.parts))
        object.__setattr__(self, "busy", tuple(b if isinstance(b, Busy) else Busy(*b) for b in self.busy))
        object.__setattr__(self, "layouts", tuple(tuple(pair) for pair in self.layouts))

    @property
    def stocked(self) -> bool:
        return self.stock > 1

    @property
    def occupies(self) -> tuple:
        """The parts two exclusive units must not share at the same time."""
        return self.parts or (self.resource_id,)

    def seats(self, request: Request) -> int | None:
        """Seats it offers the request: in the request's layout when it names one; None when not set up so."""
        if request.layout is None or not self.layouts:
            return self.capacity
        return dict(self.layouts).get(request.layout)

    def window(self, request: Request) -> tuple[int, int]:
        """What serving the request takes of it: the request's times widened by its buffers."""
        return request.start - self.setup, request.end + self.teardown

    def cost(self, request: Request) -> int:
        """Fixed plus hourly price for the request's time, rounded to the minor unit; per item on a stock."""
        minutes = request.end - request.start
        each = self.fixed_cost + (self.hourly_cost * minutes + 30) // 60
        return each * request.quantity if self.stocked else each


@dataclass(frozen=True)
class Request:
    """One need to serve: a project's hall for a day, two projectors for an afternoon.

    Without ``candidates`` every unit of the same ``kind`` is considered, at
    the unit's own price. With ``candidates`` (``(resource_id, cost)``
    pairs) only those units are, at those costs, whatever their kind: the
    caller's way to pass negotiated prices or a client's short list.
    Either way a unit must be large enough, have the stock, and be free.
    """

    id: Hashable
    kind: str
    start: int
    end: int
    #: seats the unit must hold; 0 when size does not matter
    need: int = 0
    #: items wanted from a stock; an exclusive unit serves only quantity 1
    quantity: int = 1
    #: importance: serving one request of weight 3 is worth as much as three of weight 1
    weight: int = 1
    #: how people know it ("王府井年会 · 主会场"), named in the reasons
    label: str = ""
    #: the layout its ``need`` is counted in (units with ``layouts`` seat that many in it)
    layout: str | None = None
    candidates: tuple[tuple[Hashable, int], ...] | None = None

    def __post_init__(self):
        if self.candidates is not None:
            object.__setattr__(self, "candidates", tuple(tuple(c) for c in self.candidates))

    @property
    def title(self) -> str:
        return self.label or str(self.id)


@dataclass(frozen=True)
class Problem:
    """Units, requests, and how much an empty seat weighs against money.

    ``idle_seat_cost`` is the price of one empty seat per booking in the
    second objective (after serving as much weight as possible, minimise
    cost + idle_seat_cost × empty seats): with costs in fen, the default 1
    makes it a tie-break between equally priced halls, while a larger value
    keeps big halls free for big requests even at some cost.
    """

    units: tuple[Unit, ...]
    requests: tuple[Request, ...]
    idle_seat_cost: int = 1
    #: the instant time 0 stands for, to print times in reasons; None prints day and clock
    epoch: datetime | None = None

    def __post_init__(self):
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "requests", tuple(self.requests))
        errors = _problems(self)
        if errors:
            first = next(iter(errors))
            raise ValidationFailed(errors[first][0], field=first, errors=errors)

    @cached_property
    def unit_index(self) -> dict[Hashable, int]:
        return {u.resource_id: i for i, u in enumerate(self.units)}

    def when(self, minute: int) -> str:
        """A time as people read it: the date and clock after ``epoch``, else day number and clock."""
        if self.epoch is not None:
            return (self.epoch + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M")
        day, rest = divmod(minute, MINUTES_PER_DAY)
        return f"{day}d {rest // 60:02d}:{rest % 60:02d}"

    def span(self, start: int, end: int) -> str:
        """``2030-05-20 14:00–16:00``; the end's date is repeated only when it differs."""
        first, last = self.when(start), self.when(end)
        head, _, clock = last.rpartition(" ")
        return f"{first}–{clock}" if first.rpartition(" ")[0] == head else f"{first}–{last}"


def _problems(problem: Problem) -> dict[str, list]:
    """Every fault of the input, keyed by field path (``requests[3].end``)."""
    errors: dict[str, list] = {}

    def fault(path, message):
        errors.setdefault(path, []).append(message)

    seen = set()
    for i, u in enumerate(problem.units):
        at = f"units[{i}]"
        if u.resource_id in seen:
            fault(f"{at}.resource_id", _l("appears twice"))
        seen.add(u.resource_id)
        if u.capacity < 0:
            fault(f"{at}.capacity", _l("must not be negative"))
        if u.stock < 1:
            fault(f"{at}.stock", _l("must be at least 1"))
        if u.stocked and u.parts:
            fault(f"{at}.parts", _l("a stock of several items has no parts"))
        for name in ("setup", "teardown"):
            if getattr(u, name) < 0:
                fault(f"{at}.{name}", _l("must not be negative"))
        for j, (_layout, seats) in enumerate(u.layouts):
            if seats < 0:
                fault(f"{at}.layouts[{j}]", _l("must not be negative"))
        for name in ("fixed_cost", "hourly_cost"):
            _money(getattr(u, name), f"{at}.{name}", fault)
        for j, b in enumerate(u.busy):
            if b.end <= b.start:
                fault(f"{at}.busy[{j}].end", _l("must be after the start"))
            if b.quantity is not None and not 1 <= b.quantity <= u.stock:
                fault(f"{at}.busy[{j}].quantity", _l("must be between 1 and the stock"))
    seen = set()
    for i, r in enumerate(problem.requests):
        at = f"requests[{i}]"
        if r.id in seen:
            fault(f"{at}.id", _l("appears twice"))
        seen.add(r.id)
        if r.end <= r.start:
            fault(f"{at}.end", _l("must be after the start"))
        if r.need < 0:
            fault(f"{at}.need", _l("must not be negative"))
        if r.quantity < 1:
            fault(f"{at}.quantity", _l("must be at least 1"))
        if r.weight < 1:
            fault(f"{at}.weight", _l("must be at least 1"))
        for j, (rid, cost) in enumerate(r.candidates or ()):
            if rid not in problem.unit_index:
                fault(f"{at}.candidates[{j}]", _l("no such resource"))
            _money(cost, f"{at}.candidates[{j}]", fault)
    if problem.idle_seat_cost < 0:
        fault("idle_seat_cost", _l("must not be negative"))
    return errors


def _money(value, path, fault) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        fault(path, _l("must be a whole number of minor units (fen)"))
    elif value < 0:
        fault(path, _l("must not be negative"))
