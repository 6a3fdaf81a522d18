"""Applying a stored proposal in one step: every booking it proposes, or none.

Inside one savepoint, in this order:

1. every request is checked to be as it was read (a need still open and
   unchanged, a booking still pending, on the same resource, unchanged);
2. the resources involved are locked together, in id order
   (``occupancy.lock_group``), so a concurrent booking waits or loses;
3. the bookings the proposal moves let go of their slots first, so two can
   swap halls;
4. the moves (``booking_moves``), then the new bookings for needs, made with
   ``booking_flow.request_booking`` like any other (requested, or confirmed
   where auto-approval applies), each need linked to its booking;
5. what the moves freed is offered to the waiting lists.

When anything no longer fits — someone booked a hall meanwhile, a need was
edited — the savepoint is rolled back, so nothing of the proposal is
written, the run is marked *stale* with the reason, and ``Conflict`` names
the request and what stands in its way. The caller commits either way (the
stale mark is worth keeping) and invites the user to propose again.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import Conflict, DomainError, Forbidden
from core.security.principal import current
from plugins.project.operations.common import require
from plugins.resources.models import AllocationRun, Booking, Resource, ResourceNeed
from plugins.resources.models.choices import ALLOCATION_STATUSES
from plugins.resources.operations import booking_flow, occupancy, waitlist
from plugins.resources.operations.booking_moves import move_booking


@dataclass(frozen=True)
class Applied:
    """One booking the proposal made or moved: ``action`` is ``booked``, ``moved``, ``offered`` or ``kept``."""

    key: str
    action: str
    booking: Booking


def apply_run(session, run: AllocationRun) -> list[Applied]:
    """Book what ``run`` proposes, all or nothing; ``Conflict`` (run marked stale) when it no longer fits."""
    require(session, "resources.allocation.apply")
    if run.status != "proposed":
        raise Conflict(_("This proposal is %(status)s already: propose again.", status=_status(run.status)),
                       field="status")
    result = run.result or {}
    requests = {r["key"]: r for r in result.get("requests", ())}
    lines = [(requests[row["key"]], row) for row in result.get("assignments", ())]
    try:
        with session.begin_nested():
            done = _apply(session, lines)
    except Forbidden:
        raise
    except DomainError as exc:
        message = _("The proposal can no longer be applied, so nothing was booked: %(why)s Propose again.",
                    why=_sentence(exc.message))
        run.status, run.problem = "stale", message
        session.flush()
        raise Conflict(message, field="status") from None
    run.status, run.applied_at, run.applied_by_id = "applied", utcnow(), current(session).user_id
    session.flush()
    return done


def _apply(session, lines) -> list[Applied]:
    rows = [(request, row, _current(session, request)) for request, row in lines]
    targets = _resources(session, {row["resource_id"] for _request, row, _found in rows})
    bookings = [(request, row, found) for request, row, found in rows if request.get("booking_id")]
    occupancy.lock_group(session, sorted(set(targets) | {found.resource_id for _q, _r, found in bookings}))
    moving = {request["key"] for request, row, found in bookings
              if found.resource_id != row["resource_id"] or found.status == "waitlisted"}
    for request, _row, found in bookings:
        if request["key"] in moving:
            occupancy.release_booking(session, found)
    done, freed = [], set()
    for request, row, booking in bookings:
        if request["key"] not in moving:
            done.append(Applied(request["key"], "kept", booking))
            continue
        old, waiting, target = booking.resource_id, booking.status == "waitlisted", targets[row["resource_id"]]
        _step(request, lambda b=booking, t=target: move_booking(session, b, t, promote=False))
        done.append(Applied(request["key"], "offered" if waiting else "moved", booking))
        if not waiting and old != target.id:
            freed.add(old)
    for request, row, need in rows:
        if request.get("need_id"):
            booking = _step(request, lambda n=need, r=row: _book(session, n, r))
            done.append(Applied(request["key"], "booked", booking))
    if freed:
        waitlist.promote(session, sorted(freed))
    return done


def _current(session, request: dict):
    """The need or booking behind ``request``, refused when it changed since the proposal was made."""
    if request.get("need_id"):
        need = session.execute(select(ResourceNeed).where(ResourceNeed.id == request["need_id"])).scalar_one_or_none()
        if need is None:
            raise Conflict(_("%(what)s was deleted.", what=request["label"]))
        if need.status != "open" or need.version != request["version"]:
            raise Conflict(_("%(what)s was changed since the proposal was made.", what=request["label"]))
        return need
    booking = session.execute(select(Booking).where(Booking.id == request["booking_id"])).scalar_one_or_none()
    if booking is None:
        raise Conflict(_("%(what)s was deleted.", what=request["label"]))
    if (booking.status, booking.resource_id, booking.version) != (request["status"], request["resource_id"],
                                                                    request["version"]):
        raise Conflict(_("%(what)s was changed since the proposal was made.", what=request["label"]))
    return booking


def _resources(session, ids) -> dict[int, Resource]:
    found = {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(sorted(ids))))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise Conflict(_("A proposed resource no longer exists."))
    return found


def _book(session, need: ResourceNeed, row: dict) -> Booking:
    booking = booking_flow.request_booking(session, {
        "project_id": need.project_id, "resource_id": row["resource_id"], "starts_at": need.starts_at,
        "ends_at": need.ends_at, "quantity": need.guests if need.kind == "catering" else need.quantity,
        "guests": need.guests, "layout": need.layout, "notes": need.notes})
    need.status, need.booking_id = "booked", booking.id
    session.flush()
    return booking


def _step(request: dict, action):
    """Run one line's action; a refusal is re-raised naming the request it was for."""
    try:
        return action()
    except Forbidden:
        raise
    except DomainError as exc:
        raise Conflict(_("%(what)s: %(why)s", what=request["label"], why=_sentence(exc.message))) from None


def _sentence(message) -> str:
    text = str(message).strip()
    return text if text.endswith((".", "。", "!", "！", "?", "？")) else f"{text}."


def _status(code: str) -> str:
    return str(ALLOCATION_STATUSES.get(code, code)).lower()
