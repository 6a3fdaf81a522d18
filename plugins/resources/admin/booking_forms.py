"""The booking forms of the admin: the create form's extras, the change form, and showing a refusal.

Times are typed in company time. The availability page's "Book" link brings
its instants in ISO 8601 UTC; they are shown here in company time. A refusal
of the operations names the operations' field (``project_id``); it is shown
next to the form's own field (``project``) and flashed with its label.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from core.admin.base import AdminForm
from core.errors import DomainError
from plugins.resources.admin.base import choices, to_local
from plugins.resources.models.choices import LAYOUTS

TIME_FORMAT = "%Y-%m-%d %H:%M"
#: ``...T01:00:00 00:00``: a zone's "+" typed unescaped in a link arrives as a space.
UNESCAPED_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:\d\d)$")
TIME_HINT = _l("Company time, e.g. 2030-06-03 09:00.")

#: What to do with a new booking; ``waitlist`` asks, and waits when the slot is taken.
MODES = {
    "request": _l("Ask for approval"),
    "hold": _l("Hold it tentatively (it lapses unless confirmed)"),
    "waitlist": _l("Ask for approval; join the waiting list if it is taken"),
}

#: The operations' field names whose errors another form field shows.
FORM_FIELD = {"project_id": "project", "resource_id": "resource", "package_id": "package", "act_id": "act"}

LABELS = {
    "code": _l("Code"), "project": _l("Project"), "resource": _l("Resource"), "starts_at": _l("Window"),
    "ends_at": _l("Ends at"), "quantity": _l("Quantity"), "guests": _l("Guests"), "layout": _l("Layout"),
    "package": _l("Menu package"), "act": _l("Act"), "notes": _l("Notes"), "status": _l("Status"),
    "rank": _l("Waiting list rank"), "hold_expires_at": _l("Hold lapses at"), "approved_by": _l("Approved by"),
    "confirmed_at": _l("Confirmed at"), "closed_at": _l("Closed at"), "reason": _l("Reason"),
    "unit_price": _l("Unit price"), "subtotal": _l("Subtotal"), "tax": _l("VAT"), "total": _l("Amount"),
    "flagged": _l("Needs attention"), "alternatives": _l("Free alternatives"), "created_by_id": _l("Booked by"),
    "created_at": _l("Booked at"), "updated_at": _l("Updated at"), "mode": _l("What to do"),
    "version": _l("Version"), "project_id": _l("Project"), "resource_id": _l("Resource"),
    "package_id": _l("Menu package"), "act_id": _l("Act"),
}
#: The form shows the window's two ends apart.
FORM_LABELS = {**LABELS, "starts_at": _l("Starts at")}


def arg_instant(value: str | None) -> datetime | None:
    """An instant from a link (ISO 8601; without a zone, company time) as a form shows it; None if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(UNESCAPED_PLUS.sub(r"\1+\2", value.strip()))
    except ValueError:
        return None
    return to_local(moment) if moment.tzinfo is not None else moment


def layout_choices() -> list[tuple[str, object]]:
    return [("", _l("No particular layout")), *choices(LAYOUTS)]


class ChangeForm(AdminForm):
    """Move or resize an active booking (its guests, layout and notes may change with it)."""

    starts_at = DateTimeField(_l("Starts at"), format=TIME_FORMAT, validators=[InputRequired()],
                              description=TIME_HINT)
    ends_at = DateTimeField(_l("Ends at"), format=TIME_FORMAT, validators=[InputRequired()], description=TIME_HINT)
    quantity = IntegerField(_l("Quantity"), validators=[Optional()])
    guests = IntegerField(_l("Guests"), validators=[Optional()])
    layout = SelectField(_l("Layout"), choices=layout_choices, default="")
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    version_seen = HiddenField()


def show_refusal(form, exc: DomainError) -> None:
    """The refusal next to its field (when the form has it) and flashed with the field's label."""
    name = FORM_FIELD.get(exc.field or "", exc.field or "")
    field = form._fields.get(name) if form is not None else None
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]
    flash(refusal_text(exc), "error")


def refusal_text(exc: DomainError) -> str:
    """``Reason: Say why.``: the message, after the label of the field at fault when there is one."""
    label = FORM_LABELS.get(exc.field or "")
    if label is None:
        return str(exc.message)
    return _("%(field)s: %(message)s", field=label, message=exc.message)
