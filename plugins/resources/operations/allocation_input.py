"""The requests an allocation serves, read from the database, and the resources each could go to.

Two sources, both read through the user's record rules (a user allocates
what they can see):

- *needs* (``ResourceNeed``, open): a project's requirement with no resource
  yet. Served means booked on the proposed resource when applied.
- *pending bookings* (period mode; requested, held or waitlisted): they may
  go to an *interchangeable* resource — the same kind, adequate for their
  layout, guests and quantity, in the same city as the one they asked for.
  A requested or held booking occupies its resource already: the allocator
  keeps it (it never drops one to serve another request) and moves it only
  when that serves more, or saves more than the configured price of a move;
  its current resource is always among its choices. A waitlisted booking
  occupies nothing and competes like a need. A booking with a caterer's menu
  package or a troupe's act stays with that supplier, and one of equipment
  or of the other kinds stays on its resource: the catalogue does not say
  which items of those kinds do the same job (a need says it by ``match``).

Which resources a request could go to is decided here, in words the user
knows (kind, availability, city, a word of the name, layout, a caterer's
minimum, seats per unit); whether they are large enough, have the stock and are free is the
engine's to say. A request nothing could be considered for is refused here,
with its reason, and never reaches the engine.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.project.models import Project
from plugins.resources.models import Booking, Resource, ResourceNeed
from plugins.resources.models.choices import ACTIVE_STATUSES, PENDING_STATUSES
from plugins.resources.operations import pricing
from plugins.resources.operations.allocation import Reason
from plugins.resources.operations.allocation_record import Term
from plugins.resources.operations.allocation_scope import Scope

#: Kinds whose resources do different jobs (a projector is no microphone): a pending booking of one stays put.
FIXED_KINDS = ("equipment", "generic")


@dataclass
class Asked:
    """One request as read: a need, or a pending booking; what the proposal and its application rely on."""

    key: str
    kind: str
    project_id: int
    project_name: str
    name: str
    starts_at: datetime
    ends_at: datetime
    layout: str | None
    guests: int | None
    quantity: int
    city: str | None
    weight: int
    version: int
    status: str
    need_id: int | None = None
    booking_id: int | None = None
    #: A pending booking's resource now, and what ties it there (a menu package, an act).
    resource_id: int | None = None
    package_id: int | None = None
    act_id: int | None = None
    #: A need's word of the name its resources must contain.
    match: str | None = None

    @property
    def label(self) -> str:
        return f"{self.project_name} · {self.name}"

    @property
    def pinned(self) -> bool:
        """A booking that occupies its resource already: kept, possibly moved, never dropped."""
        return self.booking_id is not None and self.status in ACTIVE_STATUSES

    @property
    def units(self) -> int:
        """Items asked of a resource: a caterer's are its guests."""
        if self.kind == "catering":
            return self.guests or self.quantity
        return self.quantity

    def as_json(self) -> dict:
        return {"key": self.key, "kind": self.kind, "project_id": self.project_id, "project": self.project_name,
                "name": self.name, "label": self.label, "starts_at": self.starts_at.isoformat(),
                "ends_at": self.ends_at.isoformat(), "layout": self.layout, "guests": self.guests,
                "quantity": self.quantity, "city": self.city, "weight": self.weight, "version": self.version,
                "status": self.status, "need_id": self.need_id, "booking_id": self.booking_id,
                "resource_id": self.resource_id, "pinned": self.pinned}


def read_requests(session, scope: Scope) -> list[Asked]:
    """The open needs in scope and, in period mode, the pending bookings; soonest first."""
    found = _needs(session, scope)
    if scope.mode == "period":
        found += _bookings(session, scope)
    found.sort(key=lambda a: (a.starts_at, a.key))
    return found


def _needs(session, scope: Scope) -> list[Asked]:
    stmt = select(ResourceNeed).where(ResourceNeed.status == "open")
    if scope.mode == "project":
        stmt = stmt.where(ResourceNeed.project_id == scope.project_id)
    else:
        stmt = stmt.where(ResourceNeed.starts_at < scope.ends_at, ResourceNeed.ends_at > scope.starts_at)
    if scope.kinds:
        stmt = stmt.where(ResourceNeed.kind.in_(scope.kinds))
    found = list(session.scalars(stmt))
    names = _project_names(session, {n.project_id for n in found})
    return [Asked(key=f"need-{n.id}", kind=n.kind, project_id=n.project_id, project_name=names[n.project_id],
                  name=n.name, starts_at=n.starts_at, ends_at=n.ends_at, layout=n.layout, guests=n.guests,
                  quantity=n.quantity, city=n.city, weight=n.weight, version=n.version, status=n.status,
                  need_id=n.id, match=n.match) for n in found]


def _bookings(session, scope: Scope) -> list[Asked]:
    stmt = (select(Booking).join(Resource, Resource.id == Booking.resource_id)
            .options(selectinload(Booking.resource))
            .where(Booking.status.in_(PENDING_STATUSES), Booking.starts_at < scope.ends_at,
                   Booking.ends_at > scope.starts_at))
    if scope.kinds:
        stmt = stmt.where(Resource.kind.in_(scope.kinds))
    bookings = list(session.scalars(stmt))
    weights = dict(session.execute(select(ResourceNeed.booking_id, ResourceNeed.weight)
                                   .where(ResourceNeed.booking_id.in_([b.id for b in bookings]))).all()) if bookings else {}
    names = _project_names(session, {b.project_id for b in bookings})
    return [Asked(key=f"booking-{b.id}", kind=b.resource.kind, project_id=b.project_id,
                  project_name=names[b.project_id], name=b.code, starts_at=b.starts_at, ends_at=b.ends_at,
                  layout=b.layout, guests=b.guests, quantity=b.quantity, city=b.resource.city,
                  weight=weights.get(b.id, 1), version=b.version, status=b.status, booking_id=b.id,
                  resource_id=b.resource_id, package_id=b.package_id, act_id=b.act_id) for b in bookings]


def _project_names(session, ids) -> dict[int, str]:
    """The names of the projects of the needs and bookings read: whoever may see those may read whose they are."""
    if not ids:
        return {}
    return dict(session.execute(select(Project.id, Project.name).where(Project.id.in_(sorted(ids)))
                                .execution_options(huiwu_system=True)).all())


# -- where each could go ------------------------------------------------------------


def catalogue(session, asked: list[Asked]) -> list[Resource]:
    """Every resource of the kinds asked for (with layouts and packages), whatever its status."""
    kinds = sorted({a.kind for a in asked})
    if not kinds:
        return []
    return list(session.scalars(select(Resource).where(Resource.kind.in_(kinds))
                                .options(selectinload(Resource.layouts), selectinload(Resource.packages),
                                         selectinload(Resource.acts))
                                .order_by(Resource.code)))


def candidates(asked: Asked, by_kind: dict[str, list[Resource]], now: datetime) -> tuple[list[Resource], tuple]:
    """(resources it could go to, ()) or ([], reasons it could go nowhere)."""
    if asked.starts_at <= now:
        return [], (Reason.of("started"),)
    current = asked.resource_id
    if asked.package_id or asked.act_id or (current is not None and asked.kind in FIXED_KINDS):
        return [r for r in by_kind[asked.kind] if r.id == current], ()
    pool = [r for r in by_kind[asked.kind] if r.status == "available" or r.id == current]
    kind = Term("kind", asked.kind)
    if not pool:
        return [], (Reason.of("nothing_of_kind", kind=kind),)
    city = asked.city
    if city:
        pool = [r for r in pool if r.city == city or r.id == current]
        if not pool:
            return [], (Reason.of("none_in_city", kind=kind, city=city),)
    for keep, refusal in _filters(asked):
        kept = [r for r in pool if keep(r) or r.id == current]
        if not kept:
            return [], (refusal(pool),)
        pool = kept
    return pool, ()


def _filters(asked: Asked):
    """(keeps a resource, reason when none is kept) pairs for what the request's kind asks."""
    if asked.match:
        word = asked.match.casefold()
        yield (lambda r: word in r.code.casefold() or word in r.name.casefold(),
               lambda _pool: Reason.of("no_match", kind=Term("kind", asked.kind), match=asked.match))
    if asked.kind == "venue" and asked.layout:
        yield (lambda r: not r.layouts or any(x.layout == asked.layout for x in r.layouts),
               lambda _pool: Reason.of("no_layout", layout=Term("layout", asked.layout)))
    if asked.kind == "catering":
        guests = asked.units
        yield (lambda r: (r.min_guests or 0) <= guests,
               lambda pool: Reason.of("below_minimum", guests=guests, fewest=min(r.min_guests or 0 for r in pool)))
    if asked.kind == "generic" and asked.guests:
        yield (lambda r: not r.capacity or r.capacity * asked.quantity >= asked.guests,
               lambda pool: Reason.of("too_few_seats", guests=asked.guests, quantity=asked.quantity,
                                      largest=max(r.capacity or 0 for r in pool)))


def by_kind(resources: list[Resource]) -> dict[str, list[Resource]]:
    found: dict[str, list[Resource]] = defaultdict(list)
    for r in resources:
        found[r.kind].append(r)
    return found


def fee(asked: Asked, resource: Resource) -> int:
    """What booking ``resource`` for the request costs before tax, in fen."""
    package = next((p for p in resource.packages if p.id == asked.package_id), None)
    act = next((a for a in resource.acts if a.id == asked.act_id), None)
    line = pricing.fee_line(resource, asked.starts_at, asked.ends_at, asked.units, asked.guests, package, act)
    return int(line.amount * 100)


def seats_needed(asked: Asked) -> int:
    """Seats the engine must find: a hall's guests; other kinds' people are checked in ``candidates``."""
    return (asked.guests or 0) if asked.kind == "venue" else 0
