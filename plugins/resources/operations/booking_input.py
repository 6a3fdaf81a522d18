"""Checking what a booking asks for, before anything is taken; each refusal names its field.

The same rules hold for a new request and for a change of an active
booking: the project is one the user sees and still running; the resource is
available (not retired, not under maintenance); the window is in order and
within sensible bounds; the quantity is within the stock; a hall's layout
holds the guests; a caterer gets at least its minimum of guests; a package
or an act belongs to the resource booked.
"""
from __future__ import annotations

from datetime import UTC, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db.types import utcnow
from core.errors import ValidationFailed
from plugins.project.models import Project
from plugins.project.models.choices import STATUSES, label
from plugins.project.operations.common import instant
from plugins.resources.models import Resource
from plugins.resources.models.choices import LAYOUTS
from plugins.resources.operations.values import optional_whole, text, whole

#: Projects in these statuses take no new bookings.
FINISHED_PROJECT_STATUSES = ("completed", "closed", "cancelled")
#: The longest one booking may last, and the furthest ahead it may start.
MAX_DURATION = timedelta(days=31)
MAX_AHEAD = timedelta(days=5 * 366)
#: Fields a change of an active booking may touch (the window and the quantity, and what depends on them).
CHANGEABLE = ("starts_at", "ends_at", "quantity", "guests", "layout", "notes")


def clean_request(session, data: dict) -> dict:
    """The values of a new booking: project, resource, window, quantity, guests, layout, package, act, notes."""
    project_id = check_project(session, data.get("project_id"))
    values = clean_quote(session, data)
    check_window(values["starts_at"], values["ends_at"])
    values["project_id"] = project_id
    values["notes"] = text(data.get("notes"), "notes")
    return values


def clean_quote(session, data: dict) -> dict:
    """What a price depends on: resource, window, quantity, guests, layout, package, act (no project needed)."""
    values = {"resource": _resource(session, data.get("resource_id"))}
    for key in ("starts_at", "ends_at"):
        if data.get(key) in (None, ""):
            raise ValidationFailed(_("This field is required."), field=key)
        values[key] = instant(session, data[key], key).astimezone(UTC)
    _check_order(values["starts_at"], values["ends_at"])
    values["quantity"] = optional_whole(data.get("quantity"), "quantity", 1)
    values["guests"] = optional_whole(data.get("guests"), "guests", 1)
    values["layout"] = text(data.get("layout"), "layout")
    resource = values["resource"]
    values["package"] = _child(resource, "packages", data.get("package_id"), "package_id")
    values["act"] = _child(resource, "acts", data.get("act_id"), "act_id")
    check_against_resource(values)
    return values


def clean_change(session, booking, data: dict) -> dict:
    """The values ``booking`` would have after ``data`` (only ``CHANGEABLE`` keys), checked as a request."""
    unknown = sorted(set(data) - set(CHANGEABLE))
    if unknown:
        raise ValidationFailed(_("This cannot be changed on a booking; cancel it and book again."),
                               field=unknown[0])
    values = {"resource": booking.resource, "package": booking.package, "act": booking.act,
              **{key: getattr(booking, key) for key in CHANGEABLE}}
    for key in ("starts_at", "ends_at"):
        if key in data:
            if data[key] in (None, ""):
                raise ValidationFailed(_("This field is required."), field=key)
            values[key] = instant(session, data[key], key).astimezone(UTC)
    for key in ("quantity", "guests"):
        if key in data:
            values[key] = optional_whole(data[key], key, 1)
    for key in ("layout", "notes"):
        if key in data:
            values[key] = text(data[key], key)
    if "starts_at" in data and values["starts_at"] != booking.starts_at:
        check_window(values["starts_at"], values["ends_at"])
    else:  # a booking under way may be extended or shortened, not moved into the past
        _check_order(values["starts_at"], values["ends_at"])
        if values["ends_at"] <= utcnow():
            raise ValidationFailed(_("The window must end in the future."), field="ends_at")
    check_against_resource(values)
    return values


def check_project(session, value) -> int:
    """The id of a project the user sees and that still takes bookings; refused naming ``project_id``."""
    if value in (None, ""):
        raise ValidationFailed(_("This field is required."), field="project_id")
    project_id = whole(value, "project_id", 1)
    # Through the caller's record rules: a project they cannot see is one they cannot book for.
    status = session.scalar(select(Project.status).where(Project.id == project_id))
    if status is None:
        raise ValidationFailed(_("Choose one of your projects."), field="project_id")
    if status in FINISHED_PROJECT_STATUSES:
        raise ValidationFailed(_("The project is %(status)s: it takes no new bookings.",
                                 status=label(STATUSES, status)), field="project_id")
    return project_id


def _resource(session, value) -> Resource:
    if value in (None, ""):
        raise ValidationFailed(_("This field is required."), field="resource_id")
    # Its layouts in the same query: every booking is checked against them.
    resource = session.get(Resource, whole(value, "resource_id", 1), options=[joinedload(Resource.layouts)])
    if resource is None:
        raise ValidationFailed(_("Choose an existing resource."), field="resource_id")
    if resource.status == "retired":
        raise ValidationFailed(_("%(name)s is retired and cannot be booked.", name=resource.name),
                               field="resource_id")
    if resource.status == "maintenance":
        raise ValidationFailed(_("%(name)s is under maintenance and cannot be booked.", name=resource.name),
                               field="resource_id")
    return resource


def _child(resource: Resource, offers: str, value, field: str):
    """The package or act ``value`` among the resource's ``offers`` (read only when one is asked for)."""
    if value in (None, ""):
        return None
    wanted = whole(value, field, 1)
    found = next((row for row in getattr(resource, offers) if row.id == wanted), None)
    if found is None:
        raise ValidationFailed(_("Not one of this resource's offers."), field=field)
    return found


def _check_order(starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must be after the start."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationFailed(_("A booking lasts at most %(days)d days.", days=MAX_DURATION.days),
                               field="ends_at")


def check_window(starts_at, ends_at) -> None:
    """In order, at most ``MAX_DURATION`` long, starting neither in the past nor beyond ``MAX_AHEAD``."""
    now = utcnow()
    if starts_at < now:
        raise ValidationFailed(_("The window must not start in the past."), field="starts_at")
    if starts_at > now + MAX_AHEAD:
        raise ValidationFailed(_("Bookings are taken at most %(years)d years ahead.",
                                 years=MAX_AHEAD.days // 366), field="starts_at")
    _check_order(starts_at, ends_at)


def check_against_resource(values: dict) -> None:
    """Quantity, guests, layout and act against what the resource offers; fills in a caterer's quantity."""
    resource = values["resource"]
    if resource.kind == "catering":
        _check_caterer(values)
    elif values["quantity"] is None:
        values["quantity"] = 1
    if values["quantity"] > resource.stock:
        raise ValidationFailed(_("At most %(stock)d of %(name)s can be booked at one time.",
                                 stock=resource.stock, name=resource.name), field="quantity")
    if resource.layouts or values["layout"]:
        _check_layout(values)
    seats = (resource.capacity or 0) * values["quantity"]
    if resource.kind == "generic" and seats and values["guests"] and values["guests"] > seats:
        raise ValidationFailed(_("%(count)d × %(name)s take at most %(max)d people.", count=values["quantity"],
                                 name=resource.name, max=seats), field="guests")
    act = values.get("act")
    if act is not None and values["ends_at"] - values["starts_at"] < timedelta(minutes=act.duration_minutes):
        raise ValidationFailed(_("%(act)s lasts %(minutes)d minutes: the window is too short.",
                                 act=act.name, minutes=act.duration_minutes), field="ends_at")


def _check_caterer(values: dict) -> None:
    """A caterer's quantity is its guests: at least its minimum, at most its stock."""
    resource = values["resource"]
    guests = values["guests"] or values["quantity"]
    if guests is None:
        raise ValidationFailed(_("Say how many guests the caterer serves."), field="guests")
    if resource.min_guests and guests < resource.min_guests:
        raise ValidationFailed(_("%(name)s serves at least %(min)d guests.", name=resource.name,
                                 min=resource.min_guests), field="guests")
    if guests > resource.stock:
        raise ValidationFailed(_("%(name)s serves at most %(max)d guests.", name=resource.name,
                                 max=resource.stock), field="guests")
    values["guests"] = values["quantity"] = guests


def _check_layout(values: dict) -> None:
    resource, layout, guests = values["resource"], values["layout"], values["guests"]
    capacities = {row.layout: row.capacity for row in resource.layouts}
    shown = str(LAYOUTS.get(layout, layout))
    if layout is not None and layout not in capacities:
        raise ValidationFailed(_("%(name)s is not set up as %(layout)s.", name=resource.name, layout=shown),
                               field="layout")
    if guests is None:
        return
    if layout is None:
        if guests > max(capacities.values()):
            raise ValidationFailed(_("%(name)s holds at most %(max)d guests.", name=resource.name,
                                     max=max(capacities.values())), field="guests")
    elif guests > capacities[layout]:
        raise ValidationFailed(_("%(name)s holds at most %(max)d guests as %(layout)s.", name=resource.name,
                                 max=capacities[layout], layout=shown), field="guests")
