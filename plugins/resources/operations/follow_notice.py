"""Telling the PM what a project change did to the project's bookings: one inbox message per change."""
from __future__ import annotations

from flask_babel import gettext as _

from core.notify import notify
from plugins.resources.operations import attention
from plugins.resources.operations.following import Followed
from plugins.resources.operations.timefmt import span_text


def change_link(change_id: int) -> str:
    """The change request's page in the admin, where the PM saw the change."""
    return f"/admin/project_changes/details/?id={change_id}"


def recipients(followed: Followed) -> list[int]:
    """The project's manager; the approver of the change when the project has none."""
    who = followed.project.manager_id or followed.change.approver_id
    return [who] if who else []


def body(session, followed: Followed) -> str:
    lines = []
    if followed.moved:
        lines.append(_("Moved:"))
        for booking, was in followed.moved:
            lines.append(_("%(code)s %(name)s: %(was)s → %(now)s", code=booking.code, name=booking.resource.name,
                           was=was, now=span_text(session, booking.starts_at, booking.ends_at)))
    if followed.flagged:
        if lines:
            lines.append("")
        lines.append(_("Needs your attention (kept where it was):"))
        for booking in followed.flagged:
            lines.append(_("%(code)s %(name)s, %(when)s: %(why)s", code=booking.code, name=booking.resource.name,
                           when=span_text(session, booking.starts_at, booking.ends_at), why=booking.reason))
            found = attention.alternatives_of(booking)
            if found:
                names = ", ".join(f"{a['name']} ({a['code']})" for a in found)
                lines.append("  " + _("Free instead: %(names)s", names=names))
    return "\n".join(lines)


def tell(session, followed: Followed) -> None:
    """One message to the PM when anything moved or was flagged; nothing otherwise."""
    if not followed:
        return
    title = _("Bookings of %(project)s after change #%(change)d: %(moved)d moved, %(flagged)d need attention",
              project=str(followed.project), change=followed.change.id, moved=len(followed.moved),
              flagged=len(followed.flagged))
    notify(session, recipients(followed), title, body(session, followed), link=change_link(followed.change.id))
