"""What a proposed project change would do to the project's bookings, in lines for the approver.

The answer to ``huiwu_project_change_impact``: asked when a change request
is previewed or submitted, inside the requester's transaction. It reads and
never writes, and takes no lock: the same rules as the reaction
(``change_rules``), with the question "would it fit?" asked of the
occupancy rows directly instead of by moving. The project's own active
bookings are left out of what stands in the way, since they all move by the
same amount and so keep clear of each other; only stocked resources shared
by several of the project's bookings can make the real move differ from
the preview. It reads past the record rules: the approver is shown every
booking of the project, whoever raised the change.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from core.errors import ValidationFailed
from plugins.project.models import Project
from plugins.resources.models import Booking
from plugins.resources.models.choices import ACTIVE_STATUSES
from plugins.resources.operations import booking_input, change_rules, occupancy
from plugins.resources.operations.timefmt import span_text


def lines(session, project_id: int, kind: str, proposed: dict) -> list[str] | None:
    """Translated lines, one per booking touched; None when the change touches none."""
    if kind not in ("time", "venue") or not isinstance(proposed, dict):
        return None
    project = session.get(Project, project_id, execution_options={"huiwu_system": True})
    if project is None:
        return None
    bookings = change_rules.bookings_of(session, project.id)
    current = {"start_at": project.start_at.isoformat(), "end_at": project.end_at.isoformat(),
               "city": project.city, "venue": project.venue}
    if kind == "time":
        found = _time_lines(session, bookings, current, proposed)
    else:
        found = _venue_lines(session, bookings, current, proposed)
    return found or None


def _time_lines(session, bookings: list[Booking], current: dict, proposed: dict) -> list[str]:
    shift = change_rules.start_shift(current, proposed)
    old_end, new_end = change_rules.ends(current, proposed, datetime.fromisoformat(current["end_at"]))
    moving = {b.id for b in bookings if b.status in ACTIVE_STATUSES}
    found = []
    for booking in bookings:
        starts_at, ends_at = booking.starts_at + shift, booking.ends_at + shift
        name, when = booking.resource.name, span_text(session, starts_at, ends_at)
        if shift and booking.status == "waitlisted":
            found.append(_("%(code)s %(name)s would wait for %(when)s instead (waiting list).",
                           code=booking.code, name=name, when=when))
        elif shift:
            why = _in_the_way(session, booking, starts_at, ends_at, moving)
            if why is None:
                found.append(_("%(code)s %(name)s moves to %(when)s.", code=booking.code, name=name, when=when))
            else:
                found.append(_("%(code)s %(name)s cannot move to %(when)s: %(why)s It keeps its slot and is "
                               "flagged with alternatives.", code=booking.code, name=name, when=when, why=why))
        if change_rules.after_the_end(booking.starts_at, starts_at, old_end, new_end):
            found.append(_("%(code)s %(name)s, %(when)s, would be after the project's new end and is flagged.",
                           code=booking.code, name=name, when=when))
    return found


def _in_the_way(session, booking: Booking, starts_at: datetime, ends_at: datetime, moving: set[int]) -> str | None:
    """Why ``booking`` would not fit at the new window (None when it would), as a sentence."""
    try:
        booking_input.check_window(starts_at, ends_at)
    except ValidationFailed as exc:
        return str(exc.message)
    resource = booking.resource
    start, end = occupancy.buffered(resource, starts_at, ends_at)
    parts = occupancy.part_ids(session, [resource.id])[resource.id]
    rows = [r for r in occupancy.taken(session, parts, start, end) if r.booking_id not in moving]
    whole = resource.exclusive or len(parts) > 1  # one row in the way is one too many
    if not rows or not (whole or booking.quantity > resource.stock - occupancy.peak(rows, start, end)):
        return None
    who = ", ".join(dict.fromkeys(r.booking_code or _("maintenance") for r in rows))
    return _("taken then by %(who)s.", who=who)


def _venue_lines(session, bookings: list[Booking], current: dict, proposed: dict) -> list[str]:
    change = change_rules.venue_change(current, proposed)
    if not change:
        return []
    found = []
    for booking in bookings:
        why = change_rules.venue_problem(booking.resource, change)
        if why is not None:
            found.append(_("%(code)s %(name)s, %(when)s: %(why)s It is flagged with alternatives.",
                           code=booking.code, name=booking.resource.name,
                           when=span_text(session, booking.starts_at, booking.ends_at), why=why))
    return found
