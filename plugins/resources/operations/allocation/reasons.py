"""Why a request got what it got, or nothing: a stable code plus named values, rendered late.

A ``Reason`` is data first (``code`` and ``args``, what tests and the API
compare) and text second: ``str(reason)`` translates its English source
message in the current locale at that moment, so one proposal can be shown
in Chinese to one person and in English to another. Values may be reasons
themselves (or tuples of them), rendered in the same locale.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a source message for extraction; it is translated when rendered."""
    return message


MESSAGES = {
    # what was given, and why that one
    "fits_seats": N_("%(unit)s: %(capacity)s seats for %(need)s."),
    "fits_stock": N_("%(unit)s: %(quantity)s of the %(available)s free at that time (stock %(stock)s)."),
    "fits": N_("%(unit)s fits the request."),
    "best": N_("No other resource that fits costs less or leaves fewer seats empty."),
    "best_free": N_("Those that fit and cost less or leave fewer seats empty are not free:"),
    "not_best": N_("A better one was free: the solver reached its time limit before moving the request there."),
    "passed_over": N_("%(unit)s (%(which)s) passed over: %(why)s."),
    "cheaper": N_("cheaper"),
    "smaller": N_("smaller"),
    # why a unit is not available for a request
    "busy": N_("busy %(span)s (%(what)s)"),
    "busy_shared": N_("shares space with %(other)s, busy %(span)s (%(what)s)"),
    "booked": N_("booked"),
    "taken": N_("given to %(holder)s (%(span)s)"),
    "taken_shared": N_("shares space with %(other)s, given to %(holder)s (%(span)s)"),
    "short": N_("only %(available)s of %(stock)s free at that time"),
    "free": N_("free at that time"),
    # why a request is not served
    "no_kind": N_("No resource of kind %(kind)s exists."),
    "no_candidates": N_("No resource was listed for it."),
    "too_small": N_("No resource is large enough: %(need)s seats needed, the largest has %(largest)s."),
    "stock_short": N_("No resource has the stock: %(quantity)s needed, the most any has is %(largest)s."),
    "all_taken": N_("Every resource that fits is busy or taken at that time: %(clashes)s."),
    "clash": N_("%(unit)s: %(why)s"),
    "more": N_("and %(count)s more"),
    "unreached": N_("%(unit)s was free, but the solver reached its time limit before using it."),
    # what holds a resource, as the database knows it
    "maintenance": N_("maintenance"),
    "maintenance_for": N_("maintenance: %(why)s"),
    # requests read from the database: pending bookings, and needs nothing could be considered for
    "stays": N_("It keeps %(unit)s, where it is booked."),
    "moved": N_("Moved from %(unit)s, where it was booked."),
    "waiting": N_("It was on the waiting list for %(unit)s: it is held for confirmation."),
    "started": N_("It has started already: it can no longer be booked."),
    "nothing_of_kind": N_("No resource of the kind %(kind)s is available for booking."),
    "none_in_city": N_("No resource of the kind %(kind)s is available in %(city)s."),
    "no_layout": N_("No hall there is set up as %(layout)s."),
    "no_match": N_("No resource of the kind %(kind)s there is called anything like %(match)s."),
    "below_minimum": N_("Every caterer there serves more guests: %(guests)s asked, the fewest any takes is "
                        "%(fewest)s."),
    "too_few_seats": N_("%(guests)s people do not fit in %(quantity)s of any of them: the largest takes "
                        "%(largest)s each."),
}

#: joins the items of a list inside a message
SEPARATOR = N_("; ")


@dataclass(frozen=True)
class Reason:
    """One sentence or fragment of an explanation: ``Reason.of("too_small", need=600, largest=500)``."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **params) -> Reason:
        if code not in MESSAGES:
            raise KeyError(f"unknown reason code {code!r}")
        return cls(code, tuple(sorted(params.items())))

    @property
    def args(self) -> dict:
        return dict(self.params)

    def __str__(self) -> str:
        return gettext(MESSAGES[self.code], **{k: render(v) for k, v in self.params}) if self.params \
            else gettext(MESSAGES[self.code])


def render(value) -> str:
    """A value as shown inside a message: reasons translated, tuples joined."""
    if isinstance(value, tuple | list):
        return gettext(SEPARATOR).join(render(v) for v in value)
    return str(value)


def sentence(reasons) -> str:
    """Several reasons as one text, each rendered in the current locale."""
    return " ".join(str(r) for r in reasons)
