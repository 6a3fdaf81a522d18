"""The fixed vocabularies of meeting projects: codes stored in rows, labels shown to people."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

PROJECT_TYPES = {
    "conference": _l("Conference"),
    "exhibition": _l("Exhibition"),
    "training": _l("Training"),
    "gala": _l("Gala dinner"),
    "launch": _l("Product launch"),
    "incentive": _l("Incentive trip"),
    "forum": _l("Forum"),
    "other": _l("Other"),
}

STATUSES = {
    "enquiry": _l("Enquiry"),
    "proposal": _l("Proposal"),
    "confirmed": _l("Confirmed"),
    "in_preparation": _l("In preparation"),
    "on_site": _l("On site"),
    "completed": _l("Completed"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}

#: Statuses in which the project's work is under way (weekly reports, workload).
ACTIVE_STATUSES = ("confirmed", "in_preparation", "on_site")

REQUIREMENT_CATEGORIES = {
    "venue": _l("Venue"),
    "av": _l("AV equipment"),
    "catering": _l("Catering"),
    "accommodation": _l("Accommodation"),
    "transport": _l("Transport"),
    "performance": _l("Performances"),
    "printing": _l("Printing"),
    "interpretation": _l("Interpretation"),
    "other": _l("Other"),
}

TASK_STATUSES = {
    "todo": _l("To do"),
    "in_progress": _l("In progress"),
    "blocked": _l("Blocked"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
#: A task in one of these no longer counts as open workload.
CLOSED_TASK_STATUSES = ("done", "cancelled")

CHANGE_KINDS = {
    "time": _l("Dates"),
    "venue": _l("Venue"),
    "services": _l("Services added or removed"),
    "scale": _l("Scale"),
    "other": _l("Other"),
}

CHANGE_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def label(vocabulary: dict, code: str | None) -> str:
    """The label of ``code``, or the code itself when it is not (or no longer) known."""
    if code is None:
        return ""
    return str(vocabulary.get(code, code))


def choices(vocabulary: dict) -> list[tuple[str, object]]:
    return list(vocabulary.items())
