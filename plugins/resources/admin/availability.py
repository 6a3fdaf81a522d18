"""The "Availability" page: say when and what is needed, see what is free, follow a link to book it.

The form is read from the query string (a search changes nothing, and its
URL can be passed around). The "Book" link of a free row opens the booking
form of the bookings admin (``admin/bookings.py``) with the resource and window
filled in: ``/admin/resources_bookings/new/?resource_id=&starts_at=&ends_at=&quantity=``
(plus ``guests`` and ``layout`` when they were asked), the instants in ISO
8601 UTC.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from core.errors import ValidationFailed
from plugins.resources.admin.base import ResourcesPage, choices, to_instant, zone
from plugins.resources.models.choices import KINDS, LAYOUTS
from plugins.resources.operations import availability

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class AvailabilityForm(FlaskForm):
    class Meta:
        csrf = False  # a search, sent with GET

    starts_at = DateTimeLocalField(_l("Starts at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends at"), format=LOCAL_FORMAT, validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=[("", _l("Any kind")), *choices(KINDS)], default="venue")
    layout = SelectField(_l("Layout"), choices=[("", _l("Any layout")), *choices(LAYOUTS)], default="")
    guests = IntegerField(_l("Guests"), validators=[Optional(), NumberRange(min=1)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[Optional(), NumberRange(min=1)])
    city = StringField(_l("City"), validators=[Optional()])

    def need(self) -> availability.Need:
        return availability.Need(
            starts_at=to_instant(self.starts_at.data), ends_at=to_instant(self.ends_at.data),
            kind=self.kind.data or None, layout=self.layout.data or None, guests=self.guests.data,
            quantity=self.quantity.data or 1, city=(self.city.data or "").strip() or None)


def book_url(option: availability.Option, need: availability.Need) -> str:
    """The booking form, filled in with this resource and the window searched."""
    args = {"resource_id": option.resource_id, "starts_at": _utc(need.starts_at), "ends_at": _utc(need.ends_at),
            "quantity": need.quantity}
    if need.guests:
        args["guests"] = need.guests
    if need.layout:
        args["layout"] = need.layout
    return url_for("resources_bookings.create_view", **args)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class AvailabilityView(ResourcesPage):
    required_permission = "resources.availability.read"

    @expose("/")
    def index(self):
        form = AvailabilityForm(formdata=request.args if request.args else None)
        if not request.args:
            start = (datetime.now(zone()) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
            form.starts_at.data, form.ends_at.data = start.replace(tzinfo=None), start.replace(
                hour=18, tzinfo=None)
        options, need = None, None
        if request.args and form.validate():
            need = form.need()
            try:
                options = availability.search(self._session(), need)
            except ValidationFailed as exc:
                field = form._fields.get(exc.field or "")
                if field is not None:
                    field.errors = [*field.errors, str(exc.message)]
                options = None
        return self.render("resources/availability.html", form=form, options=options, need=need,
                           book_url=book_url, may_book=self.may("resources.booking.create"))

    def _session(self):
        return current_app.extensions["huiwu"].session()
