"""The fixed vocabularies of bookable resources: codes stored in rows, labels shown to people."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "venue": _l("Venue / hall"),
    "equipment": _l("Equipment"),
    "catering": _l("Catering supplier"),
    "troupe": _l("Performance troupe"),
    "generic": _l("Other (rooms, vehicles, ...)"),
}

#: Layouts a hall can be set up in; each hall states its capacity per layout.
LAYOUTS = {
    "theatre": _l("Theatre"),
    "classroom": _l("Classroom"),
    "banquet": _l("Banquet"),
    "u_shape": _l("U-shape"),
    "reception": _l("Reception"),
    "boardroom": _l("Boardroom"),
}

PRICING_UNITS = {
    "hour": _l("per hour"),
    "half_day": _l("per half day"),
    "day": _l("per day"),
    "head": _l("per head"),
    "unit_day": _l("per unit and day"),
    "unit": _l("per unit"),
    "event": _l("per event"),
}

RESOURCE_STATUSES = {
    "available": _l("Available"),
    "maintenance": _l("Under maintenance"),
    "retired": _l("Retired"),
}

BOOKING_STATUSES = {
    "held": _l("Held (tentative)"),
    "requested": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("Waiting list"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Hold expired"),
}

#: A booking in one of these occupies its resource (has occupancy rows).
ACTIVE_STATUSES = ("held", "requested", "confirmed")
#: A booking in one of these is over: it never comes back.
CLOSED_STATUSES = ("rejected", "cancelled", "expired")

#: What becomes of a project's need: allocated and booked, or given up.
NEED_STATUSES = {
    "open": _l("Open"),
    "booked": _l("Booked"),
    "cancelled": _l("Cancelled"),
}

#: Booking statuses the allocator treats as pending requests (it may move them to an interchangeable resource).
PENDING_STATUSES = ("requested", "held", "waitlisted")

ALLOCATION_MODES = {
    "project": _l("One project's needs"),
    "period": _l("Every pending request in a period"),
}

ALLOCATION_STATUSES = {
    "proposed": _l("Proposed"),
    "applied": _l("Applied"),
    "stale": _l("Stale"),
}
