"""The booking details page's buttons, the change form and the contract download.

Every write goes through ``operations.booking_flow``, never by setting a
status here; a refusal is flashed naming its field and leaves the booking
as it was. Each form carries the version the page showed: a booking changed
since is refused with the kernel's conflict message. A button typed by hand
without its permission answers 403, a booking one may not see 404.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from core.admin.base import refuse
from core.errors import DomainError, NotFound
from core.web.errors import stale_message
from plugins.resources.admin.base import to_instant, to_local
from plugins.resources.admin.booking_forms import ChangeForm, refusal_text, show_refusal
from plugins.resources.models.choices import ACTIVE_STATUSES, BOOKING_STATUSES
from plugins.resources.operations import attention, booking_flow, contract_files


@dataclass(frozen=True)
class Action:
    run: Callable
    permission: str
    #: Reject and cancel ask why; the operations refuse an empty reason naming the field.
    needs_reason: bool = False
    #: What the flash says when it is done (the booking's new status when not given).
    done: Callable | None = None


ACTIONS = {
    "approve": Action(booking_flow.approve, "resources.booking.approve"),
    "reject": Action(booking_flow.reject, "resources.booking.approve", needs_reason=True),
    "confirm_hold": Action(booking_flow.confirm_hold, "resources.booking.update"),
    "cancel": Action(booking_flow.cancel, "resources.booking.cancel", needs_reason=True),
    "keep": Action(attention.clear, "resources.booking.update",
                   done=lambda b: _("Booking %(code)s is kept as it is.", code=b.code)),
}
#: The buttons a booking shows in each status (the operations would refuse the others).
BUTTONS = {
    "requested": ("approve", "reject", "cancel"),
    "held": ("confirm_hold", "reject", "cancel"),
    "confirmed": ("cancel",),
    "waitlisted": ("reject", "cancel"),
}


def status_text(booking) -> str:
    return _("Booking %(code)s: %(status)s.", code=booking.code,
             status=BOOKING_STATUSES.get(booking.status, booking.status))


class BookingActions:
    """Mixed into the bookings view: its ``get_one`` and ``session`` read through the record rules."""

    def buttons(self, booking) -> list[str]:
        shown = (*BUTTONS.get(booking.status, ()), *(("keep",) if booking.flagged else ()))
        return [name for name in shown if g.principal.can(ACTIONS[name].permission)]

    def may_change(self, booking) -> bool:
        return booking.status in ACTIVE_STATUSES and g.principal.can("resources.booking.update")

    def contract_url(self, contract) -> str:
        return url_for(".contract_view", booking_id=contract.booking_id, revision=contract.revision)

    def _require(self, permission: str) -> None:
        if not g.principal.can(permission):
            refuse(permission, f"admin view {self.endpoint}: {permission}")

    def _visible(self, booking_id):
        booking = self.get_one(booking_id)
        if booking is None:
            abort(404)
        return booking

    def _details(self, booking_id) -> Response:
        return redirect(url_for(".details_view", id=booking_id))

    @staticmethod
    def _stale(booking, seen: str | None) -> bool:
        return bool(seen) and seen != str(booking.version)

    @expose("/act/", methods=("POST",))
    def act_view(self):
        booking = self._visible(request.args.get("id", ""))
        action = ACTIONS.get(request.form.get("action", ""))
        if action is None:
            abort(400)
        self._require(action.permission)
        booking_id, session = booking.id, self.session()
        if self._stale(booking, request.form.get("version_seen")):
            flash(stale_message(), "error")
            return self._details(booking_id)
        try:
            action.run(session, booking, *((request.form.get("reason"),) if action.needs_reason else ()))
            session.commit()
            flash((action.done or status_text)(booking), "success")
        except DomainError as exc:
            session.rollback()
            flash(refusal_text(exc), "error")
        except StaleDataError:
            session.rollback()
            flash(stale_message(), "error")
        return self._details(booking_id)

    @expose("/change/", methods=("GET", "POST"))
    def change_view(self):
        booking = self._visible(request.args.get("id", ""))
        self._require("resources.booking.update")
        shown = {"starts_at": to_local(booking.starts_at), "ends_at": to_local(booking.ends_at),
                 "quantity": booking.quantity, "guests": booking.guests, "layout": booking.layout or "",
                 "notes": booking.notes, "version_seen": str(booking.version)}
        form = ChangeForm(data=shown if request.method == "GET" else None)
        if form.validate_on_submit():
            if self._stale(booking, form.version_seen.data):
                flash(stale_message(), "error")
            elif self._change(booking, form):
                return self._details(booking.id)
        return self.render("resources/booking_change.html", form=form, booking=booking,
                           details_url=url_for(".details_view", id=booking.id))

    def _change(self, booking, form) -> bool:
        session = self.session()
        data = {"starts_at": to_instant(form.starts_at.data), "ends_at": to_instant(form.ends_at.data),
                "quantity": form.quantity.data, "guests": form.guests.data, "layout": form.layout.data or None,
                "notes": form.notes.data}
        try:
            booking_flow.change(session, booking, data)
            session.commit()
        except DomainError as exc:
            session.rollback()
            show_refusal(form, exc)
            return False
        except StaleDataError:
            session.rollback()
            flash(stale_message(), "error")
            return False
        flash(_("Booking %(code)s was changed.", code=booking.code), "success")
        return True

    @expose("/contract/<int:booking_id>/<int:revision>.pdf")
    def contract_view(self, booking_id: int, revision: int):
        self._require("resources.contract.read")
        booking = self._visible(booking_id)
        try:
            contract = contract_files.version(self.session(), booking.id, revision)
        except NotFound:
            abort(404)
        return Response(contract.pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{contract_files.file_name(contract)}"',
            "Cache-Control": "private, no-store"})
