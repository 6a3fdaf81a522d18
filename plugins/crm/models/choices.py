"""The fixed vocabularies of the CRM: codes stored in the rows, labels shown to people.

Codes are stable English words; labels are lazy-translated so each user reads
them in their own language.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

INDUSTRIES = {
    "pharma": _l("Pharmaceuticals and healthcare"),
    "finance": _l("Banking and finance"),
    "it": _l("Internet and software"),
    "auto": _l("Automotive"),
    "manufacturing": _l("Manufacturing"),
    "energy": _l("Energy"),
    "education": _l("Education and research"),
    "government": _l("Government and associations"),
    "consumer": _l("Consumer goods and retail"),
    "real_estate": _l("Real estate"),
    "other": _l("Other"),
}

SIZES = {
    "micro": _l("Under 20 staff"),
    "small": _l("20 to 99 staff"),
    "medium": _l("100 to 999 staff"),
    "large": _l("1,000 to 9,999 staff"),
    "huge": _l("10,000 staff or more"),
}

SOURCES = {
    "referral": _l("Referral"),
    "website": _l("Website"),
    "exhibition": _l("Trade fair"),
    "tender": _l("Public tender"),
    "cold_call": _l("Cold call"),
    "partner": _l("Partner"),
    "other": _l("Other"),
}

LEVELS = {
    "strategic": _l("Strategic"),
    "key": _l("Key account"),
    "normal": _l("Regular"),
    "potential": _l("Prospect"),
}

COMMUNICATION_KINDS = {
    "call": _l("Phone call"),
    "email": _l("E-mail"),
    "visit": _l("Visit"),
    "minutes": _l("Meeting minutes"),
    "service": _l("Service record"),
    "follow_up": _l("Follow-up task"),
}

PREFERENCE_KINDS = {
    "dietary": _l("Dietary requirements"),
    "hotel": _l("Hotel standard"),
    "seating": _l("Seating"),
    "brand_colours": _l("Brand colours"),
    "av": _l("Audio-visual"),
    "transport": _l("Transport"),
    "gifts": _l("Gifts"),
    "other": _l("Other"),
}

MEETING_STATUSES = {
    "confirmed": _l("Confirmed"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}

#: The classic eight RFM segments: (recent, frequent, monetary) above average -> code.
SEGMENTS = {
    "important_value": _l("Important value customers"),
    "important_develop": _l("Important customers to develop"),
    "important_keep": _l("Important customers to keep"),
    "important_retain": _l("Important customers to win back"),
    "general_value": _l("General value customers"),
    "general_develop": _l("General customers to develop"),
    "general_keep": _l("General customers to keep"),
    "general_retain": _l("General customers to win back"),
}

SEGMENT_BY_RFM = {
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_keep",
    (False, False, True): "important_retain",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_keep",
    (False, False, False): "general_retain",
}


def label(vocabulary: dict, code: str | None) -> str:
    """The label of ``code``, or the code itself when it is not (or no longer) known."""
    if code is None:
        return ""
    return str(vocabulary.get(code, code))


def choices(vocabulary: dict) -> list[tuple[str, object]]:
    """(code, lazy label) pairs for select fields; labels render in the reader's language."""
    return list(vocabulary.items())
