"""A project's resource needs: written by its team, served by the allocator, reopened when their booking ends.

Every write goes through here (admin, API, demo), each refusal naming its
field. A need is open until an applied allocation books it (``booked``,
with the booking linked) or someone gives it up (``cancelled``). A booked
need is no longer edited — its booking is what changes — and when that
booking is cancelled, rejected or lapses, the need opens again so the next
allocation looks for another resource (``reopen_for``, on the plugin's own
``resources.booking_cancelled``).
"""
from __future__ import annotations

from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import select, update

from core.errors import DomainError, ValidationFailed
from plugins.project.operations.common import get_or_404, instant, require
from plugins.resources.models import ResourceNeed
from plugins.resources.models.choices import KINDS, LAYOUTS, NEED_STATUSES
from plugins.resources.operations import booking_input
from plugins.resources.operations.values import optional_whole, text, whole

#: What a person may write on a need (status moves through ``cancel_need`` and the allocator).
FIELDS = ("name", "kind", "starts_at", "ends_at", "layout", "guests", "quantity", "match", "city", "weight", "notes")
#: Kinds whose resources do different jobs (projectors and microphones): a need says which by ``match``.
MIXED_KINDS = ("equipment", "generic")
MAX_WEIGHT = 100


def get_need(session, need_id) -> ResourceNeed:
    """A need the acting user may see, by id; ``NotFound`` otherwise."""
    return get_or_404(session, ResourceNeed, need_id)


def search(project_id: int | None = None, status: str | None = None, kind: str | None = None):
    """The statement listing needs by their filters, soonest first (run it through the caller's session)."""
    stmt = select(ResourceNeed).order_by(ResourceNeed.starts_at, ResourceNeed.id)
    for column, value in ((ResourceNeed.project_id, project_id), (ResourceNeed.status, status),
                          (ResourceNeed.kind, kind)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def create_need(session, data: dict) -> ResourceNeed:
    """A new open need of the project ``data["project_id"]`` (one the user sees and still running)."""
    require(session, "resources.need.create")
    project_id = booking_input.check_project(session, data.get("project_id"))
    need = ResourceNeed(project_id=project_id, status="open", **clean(session, data))
    session.add(need)
    session.flush()
    return need


def update_need(session, need: ResourceNeed, data: dict) -> ResourceNeed:
    """Change an open need; the values not in ``data`` stay."""
    require(session, "resources.need.update")
    _expect_open(need)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed(_("This cannot be changed on a need."), field=unknown[0])
    merged = {key: getattr(need, key) for key in FIELDS} | data
    for key, value in clean(session, merged).items():
        setattr(need, key, value)
    session.flush()
    return need


def cancel_need(session, need: ResourceNeed) -> ResourceNeed:
    require(session, "resources.need.update")
    _expect_open(need)
    need.status = "cancelled"
    session.flush()
    return need


def delete_need(session, need: ResourceNeed) -> None:
    """Delete a need not booked (a booked one is the history of its booking: cancel the booking instead)."""
    require(session, "resources.need.delete")
    if need.status == "booked":
        raise DomainError(_("%(name)s is booked: cancel its booking first.", name=need.name), field="status")
    session.delete(need)
    session.flush()


def clean(session, data: dict) -> dict:
    """The checked values of a need: name, kind, window, layout, guests, quantity, match, city, weight, notes."""
    values = {"name": text(data.get("name"), "name", required=True, max_length=200)}
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of resource: %(kind)s.", kind=kind), field="kind")
    values["kind"] = kind
    for key in ("starts_at", "ends_at"):
        if data.get(key) in (None, ""):
            raise ValidationFailed(_("This field is required."), field=key)
        values[key] = instant(session, data[key], key).astimezone(UTC)
    booking_input.check_window(values["starts_at"], values["ends_at"])
    layout = text(data.get("layout"), "layout")
    if layout is not None and layout not in LAYOUTS:
        raise ValidationFailed(_("Unknown layout: %(layout)s.", layout=layout), field="layout")
    if layout is not None and kind != "venue":
        raise ValidationFailed(_("Only a hall is set up in a layout."), field="layout")
    values["layout"] = layout
    values["guests"] = optional_whole(data.get("guests"), "guests", 1, 1_000_000)
    if kind == "catering" and values["guests"] is None:
        raise ValidationFailed(_("Say how many guests the caterer serves."), field="guests")
    values["quantity"] = optional_whole(data.get("quantity"), "quantity", 1, 1_000_000) or 1
    values["match"] = text(data.get("match"), "match", max_length=100)
    if kind in MIXED_KINDS and values["match"] is None:
        raise ValidationFailed(_("Say which item: a word of its name, such as 投影机 or 大巴."), field="match")
    values["city"] = text(data.get("city"), "city", max_length=30)
    weight = data.get("weight")
    values["weight"] = 1 if weight in (None, "") else whole(weight, "weight", 1, MAX_WEIGHT)
    values["notes"] = text(data.get("notes"), "notes")
    return values


def _expect_open(need: ResourceNeed) -> None:
    if need.status != "open":
        status = str(NEED_STATUSES.get(need.status, need.status)).lower()
        raise DomainError(_("%(name)s is %(status)s: it can no longer be changed.", name=need.name, status=status),
                          field="status")


def reopen_for(session, payload: dict) -> None:
    """A booking serving a need ended (cancelled, rejected, lapsed): the need is open to allocate again."""
    session.execute(update(ResourceNeed)
                    .where(ResourceNeed.booking_id == payload["booking_id"], ResourceNeed.status == "booked")
                    .values(status="open", booking_id=None, version=ResourceNeed.version + 1)
                    .execution_options(huiwu_system=True, synchronize_session=False))
