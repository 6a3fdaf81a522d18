"""The availability search and the calendar feeds under ``/api/v1/resources``: thin views over ``operations``.

Routes (permissions in brackets)::

    GET  /availability                  [resources.availability.read] ?starts_at= &ends_at= &kind= &layout=
                                        &guests= &quantity= &city= &resource_id= (repeatable)
    GET  /<resource_id>/calendar.ics    [resources.availability.read] the resource's iCalendar feed; a
                                        calendar app passes its API token as ``?token=``
"""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from marshmallow import fields, validate

from core.api.base import db, require
from core.api.blueprint import Blueprint
from core.api.schemas import Schema
from core.errors import NotFound
from core.web.auth import token_in_query
from plugins.resources.models import Resource
from plugins.resources.models.choices import KINDS, LAYOUTS
from plugins.resources.operations import availability, ical

blp = Blueprint("resources_availability", __name__, url_prefix="resources",
                description="Resources: availability and calendar feeds")


class AvailabilityQuery(Schema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "Start of the window (with zone)"})
    ends_at = fields.AwareDateTime(required=True, metadata={"description": "End of the window (with zone)"})
    kind = fields.String(load_default=None, validate=validate.OneOf(list(KINDS)))
    layout = fields.String(load_default=None, validate=validate.OneOf(list(LAYOUTS)),
                           metadata={"description": "A hall must hold the guests in this layout"})
    guests = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1_000_000))
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    city = fields.String(load_default=None, validate=validate.Length(max=30))
    resource_id = fields.List(fields.Integer(), load_default=None,
                              metadata={"description": "Only these resources (repeat the parameter)"})


class BlockerSchema(Schema):
    booking_id = fields.Integer(allow_none=True)
    booking_code = fields.String(allow_none=True)
    maintenance_id = fields.Integer(allow_none=True)
    label = fields.String(metadata={"description": "The booking code, or the maintenance and its reason"})
    starts_at = fields.AwareDateTime(metadata={"description": "Occupied from (buffers included)"})
    ends_at = fields.AwareDateTime()
    quantity = fields.Integer()


class OptionSchema(Schema):
    resource_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    city = fields.String(allow_none=True)
    status = fields.String()
    stock = fields.Integer()
    capacity = fields.Integer(allow_none=True, metadata={"description": "For the layout asked, when one was"})
    unit_price = fields.Decimal(as_string=True)
    pricing_unit = fields.String()
    unit_label = fields.String(allow_none=True)
    occupied_from = fields.AwareDateTime(metadata={"description": "The window widened by set-up time"})
    occupied_until = fields.AwareDateTime(metadata={"description": "The window widened by tear-down time"})
    units = fields.Integer(metadata={"description": "Units asked (a caterer's guests, else the quantity)"})
    remaining = fields.Integer(metadata={"description": "Units free over the whole window"})
    free = fields.Boolean()
    unavailable = fields.String(allow_none=True, metadata={"description": "Why it cannot be booked now"})
    blocked_by = fields.String(metadata={"description": "Who uses it in the window, comma separated"})
    blockers = fields.List(fields.Nested(BlockerSchema))


@blp.route("/availability")
@blp.arguments(AvailabilityQuery, location="query")
@blp.response(200, OptionSchema(many=True))
def search(query):
    """Resources that could serve the need: free ones first, then the smallest adequate, then the cheapest."""
    require("resources.availability.read")
    ids = query.pop("resource_id")
    need = availability.Need(**query, resource_ids=tuple(ids) if ids is not None else None)
    return availability.search(db(), need)


@blp.route("/<int:resource_id>/calendar.ics")
@token_in_query
@blp.response(200, content_type="text/calendar")
def calendar(resource_id):
    """The resource's bookings and maintenance windows as an iCalendar feed to subscribe to.

    A calendar app cannot send a header: give it this URL with ``?token=`` and
    an API token scoped to ``resources.availability.read``.
    """
    require("resources.availability.read")
    session = db()
    resource = session.get(Resource, resource_id)
    if resource is None:
        raise NotFound(_("Not found."))
    body = ical.feed(session, resource)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{resource.code}.ics"', "Cache-Control": "private, max-age=300"})

