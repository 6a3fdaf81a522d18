"""Holds lapse: a tentative hold not confirmed in time frees its slot, and so does a queue that came too late.

``expire_holds`` is run every few minutes by the scheduler
(``resources.expire_holds``) and may be called directly (tests, the admin, a
script). A lapsed hold becomes *expired*, frees what it took and offers it to
the waiting list; a waiting booking whose window has begun without a place
coming free lapses too.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db.types import utcnow
from core.services.scheduler import Job
from plugins.resources.models import Booking
from plugins.resources.operations import occupancy
from plugins.resources.operations.closing import close

#: At most this many bookings lapse in one run, so one run holds few locks for a short time.
BATCH = 500


@dataclass(frozen=True)
class Expired:
    holds: int
    waiting: int


def expire_holds(session, now=None, batch: int = BATCH) -> Expired:
    """Expire holds lapsed by ``now`` and waiting bookings already begun; what was freed is offered on."""
    now = now or utcnow()
    holds, waiting = _lapsed(session, now, batch)
    if not holds and not waiting:
        return Expired(0, 0)
    # Every lock the run needs, in one ordered go (see occupancy.lock_group); then read the rows again,
    # as they are now: one confirmed or cancelled meanwhile is no longer lapsed.
    locked = set(occupancy.lock_group(session, {b.resource_id for b in holds + waiting}))
    holds, waiting = (
        [b for b in rows if b.resource_id in locked]
        for rows in _lapsed(session, now, batch, fresh=True))
    for booking in holds:
        close(session, booking, "expired", _("The hold lapsed without being confirmed."))
    for booking in waiting:
        close(session, booking, "expired", _("The window began before a place came free."))
    return Expired(len(holds), len(waiting))


def _lapsed(session, now, batch: int, fresh: bool = False) -> tuple[list[Booking], list[Booking]]:
    """Holds past their expiry, and waiting bookings whose window has begun (``fresh``: reloaded)."""
    options = {"populate_existing": True} if fresh else {}
    holds = list(session.scalars(
        select(Booking).where(Booking.status == "held", Booking.hold_expires_at <= now)
        .order_by(Booking.hold_expires_at, Booking.id).limit(batch).execution_options(**options)))
    waiting = list(session.scalars(
        select(Booking).where(Booking.status == "waitlisted", Booking.starts_at <= now)
        .order_by(Booking.starts_at, Booking.id).limit(batch).execution_options(**options)))
    return holds, waiting


def expire_holds_job(session) -> str:
    done = expire_holds(session)
    return f"{done.holds} holds expired, {done.waiting} waiting bookings lapsed"


JOBS = [Job("resources.expire_holds", "*/5 * * * *", expire_holds_job, _l("Expire lapsed booking holds"),
            lease_seconds=600)]
