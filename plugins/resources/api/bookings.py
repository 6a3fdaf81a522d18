"""Bookings and their workflow, and quotes."""
from __future__ import annotations

from flask.views import MethodView

from core.api.base import check_version, db, page_of, require
from core.api.schemas import for_update
from plugins.project.operations.common import instant
from plugins.resources.api import blp
from plugins.resources.operations import booking as ops
from plugins.resources.schemas import (
    BookingChangeSchema,
    BookingQuery,
    BookingSchema,
    QuoteRequestSchema,
    QuoteSchema,
    ReasonSchema,
)


@blp.route("/bookings")
class Bookings(MethodView):
    @blp.arguments(BookingQuery, location="query")
    @blp.response(200, BookingSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Bookings the caller sees (their projects', or all with ``read_all``), soonest first."""
        require("resources.booking.read")
        q = query.pop("q")
        for key, name in (("starts_after", "from"), ("ends_before", "to")):
            if query[key] is not None:  # a time without a zone is the company's
                query[key] = instant(db(), query[key], name)
        return page_of(ops.search(code=q, **query), pagination_parameters)

    @blp.arguments(BookingSchema)
    @blp.response(201, BookingSchema)
    def post(self, data):
        """Request a booking, or hold it (``hold``); ``waitlist`` joins the waiting list when it is taken."""
        require("resources.booking.create")
        session = db()
        hold, waitlist = data.pop("hold"), data.pop("waitlist")
        booking = ops.request_booking(session, data, hold=hold, waitlist=waitlist)
        session.commit()
        return booking


@blp.route("/bookings/<int:booking_id>")
class BookingById(MethodView):
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        require("resources.booking.read")
        return ops.get_booking(db(), booking_id)

    @blp.arguments(for_update(BookingChangeSchema))
    @blp.response(200, BookingSchema)
    def patch(self, data, booking_id):
        """Move or resize an active booking; all or nothing (409 naming what is in the way)."""
        require("resources.booking.update")
        session = db()
        booking = ops.get_booking(session, booking_id)
        check_version(booking, data.pop("version", None), required=True)
        ops.change(session, booking, data)
        session.commit()
        return booking


def _act(booking_id, action, *args):
    session = db()
    booking = action(session, ops.get_booking(session, booking_id), *args)
    session.commit()
    return booking


@blp.route("/bookings/<int:booking_id>/approve")
class Approve(MethodView):
    @blp.response(200, BookingSchema)
    def post(self, booking_id):
        require("resources.booking.approve")
        return _act(booking_id, ops.approve)


@blp.route("/bookings/<int:booking_id>/reject")
class Reject(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        require("resources.booking.approve")
        return _act(booking_id, ops.reject, data["reason"])


@blp.route("/bookings/<int:booking_id>/confirm")
class Confirm(MethodView):
    @blp.response(200, BookingSchema)
    def post(self, booking_id):
        """Confirm a hold: it goes to approval, or is confirmed when auto-approved."""
        require("resources.booking.update")
        return _act(booking_id, ops.confirm_hold)


@blp.route("/bookings/<int:booking_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        require("resources.booking.cancel")
        return _act(booking_id, ops.cancel, data["reason"])


@blp.route("/bookings/<int:booking_id>/clear-flag")
class ClearFlag(MethodView):
    @blp.response(200, BookingSchema)
    def post(self, booking_id):
        """Keep a booking flagged after a project change as it is: the flag and its alternatives go."""
        require("resources.booking.update")
        return _act(booking_id, ops.clear_flag)


@blp.route("/quote")
class Quote(MethodView):
    @blp.arguments(QuoteRequestSchema)
    @blp.response(200, QuoteSchema)
    def post(self, data):
        """What a booking would cost, tax included; nothing is booked."""
        require("resources.resource.read")
        return ops.quote_request(db(), data)
