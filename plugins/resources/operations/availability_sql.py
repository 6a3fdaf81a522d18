"""The two statements of an availability search, built once per shape of need and run with its values.

A search reads the candidates (the resources that could ever serve the
need, with their capacity and, for a combined hall, its parts), then the
occupancy rows of their parts overlapping the window. Building such
statements anew for every search, and having SQLAlchemy compute their cache
keys, cost more than running them; so each is built once per *shape* (which
of layout, kind, city, ids and guests the need gives, and the dialect) with
bound parameters, and only the values change from one search to the next.
PostgreSQL then also plans a statement it has seen before only once.

The occupancy statement (written as ``occupancy_sql`` writes the rule's own) names the parts by the candidates' own query
rather than by a list of ids: the database sees how many there are and, for
a few hundred halls, reads the window's rows by time (the ``starts_at``
index of revision resources_0007) instead of looking each hall up.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, collate, func, or_, select
from sqlalchemy.dialects import postgresql

from core.db.driver import DriverStatement
from plugins.resources.models import Layout, Maintenance, Occupancy, Resource, resource_part
from plugins.resources.operations import occupancy_sql


class Shape(NamedTuple):
    """What a statement depends on besides the values of the need."""

    dialect: str
    layout: bool
    kind: bool
    city: bool
    resource_ids: bool
    guests: bool


def shape_of(session, need) -> Shape:
    return Shape(session.get_bind().dialect.name, bool(need.layout), bool(need.kind), bool(need.city),
                 need.resource_ids is not None, bool(need.guests))


def parameters(need) -> dict:
    """The values of the need for the candidates' statement (those its shape uses)."""
    values = {"quantity": need.quantity}
    for key in ("layout", "kind", "city", "guests"):
        if getattr(need, key):
            values[key] = getattr(need, key)
    if need.resource_ids is not None:
        values["resource_ids"] = list(need.resource_ids)
    return values


def window_parameters(starts_at: datetime, ends_at: datetime) -> dict:
    """The values of the window for the occupancy statement (added to ``parameters``)."""
    return {"starts_at": starts_at, "ends_at": ends_at, "since": starts_at - occupancy_sql.LONG}


@lru_cache(maxsize=128)
def candidates(shape: Shape):
    """The resources of the kind, city and ids asked that could ever serve the need, with their capacity.

    One row per resource, or per part of a combined hall (the last column,
    ``part_id``; None for anything else). What makes a resource inadequate
    however free it is is decided here, so that neither its row nor its
    occupancy is read: more units asked than its stock (a caterer's are the
    guests), a caterer's minimum of guests not met, a hall or room too small
    for the guests (in the layout asked, else in its largest layout).
    """
    if shape.layout:
        layout_capacity = Layout.capacity
    else:  # no layout asked: a hall's largest capacity
        layout_capacity = (select(func.max(Layout.capacity)).where(Layout.resource_id == Resource.id)
                           .correlate(Resource).scalar_subquery())
    # Its capacity for the need: the layout's, else a caterer's most guests (its stock), else its own.
    capacity = func.coalesce(layout_capacity, case((Resource.kind == "catering", Resource.stock),
                                                   else_=Resource.capacity))
    stmt = (select(Resource.id, Resource.code, Resource.name, Resource.kind, Resource.city, Resource.status,
                   Resource.stock, Resource.unit_price, Resource.pricing_unit, Resource.unit_label,
                   Resource.setup_minutes, Resource.teardown_minutes, capacity.label("capacity"),
                   resource_part.c.part_id.label("part_id"))
            .outerjoin(resource_part, resource_part.c.combined_id == Resource.id)
            .where(Resource.status != "retired"))
    if shape.layout:
        stmt = stmt.join(Layout, (Layout.resource_id == Resource.id) & (Layout.layout == bindparam("layout")))
    if shape.kind:
        stmt = stmt.where(Resource.kind == bindparam("kind"))
    if shape.city:
        stmt = stmt.where(Resource.city == bindparam("city"))
    if shape.resource_ids:
        stmt = stmt.where(Resource.id.in_(bindparam("resource_ids", expanding=True)))
    if not shape.guests:
        return stmt.where(Resource.stock >= bindparam("quantity"))
    guests = bindparam("guests")
    return stmt.where(
        or_(and_(Resource.kind == "catering", Resource.stock >= guests),
            and_(Resource.kind != "catering", Resource.stock >= bindparam("quantity"))),
        or_(Resource.kind != "catering", Resource.min_guests.is_(None), Resource.min_guests <= guests),
        or_(Resource.kind.not_in(("venue", "generic")), capacity.is_(None), capacity >= guests))


#: Byte order of text, as Python compares strings, per dialect.
BINARY_COLLATION = {"postgresql": "C", "sqlite": "BINARY"}


@lru_cache(maxsize=128)
def occupancy_rows(shape: Shape):
    """The occupancy rows of the candidates' parts overlapping the window, with a maintenance's reason.

    Columns as ``occupancy_sql.overlapping``'s, then ``reason``; read as the
    system (the rows are the plugin's bookkeeping). In the order an option
    lists what is in its way: earliest first, then by booking code (as
    Python orders text), so that a resource with a part of its own needs no
    sorting in memory.
    """
    found = candidates(shape).subquery("candidate")
    parts = select(func.coalesce(found.c.part_id, found.c.id))
    criteria = occupancy_sql.arms(shape.dialect, Occupancy.part_id.in_(parts), bindparam("starts_at"),
                                  bindparam("ends_at"), bindparam("since"))
    stmt, rows = occupancy_sql.overlapping(criteria)
    reason = select(Maintenance.reason).where(Maintenance.id == rows.c.maintenance_id).scalar_subquery()
    code = func.coalesce(stmt.selected_columns.booking_code, "")
    if shape.dialect in BINARY_COLLATION:
        code = collate(code, BINARY_COLLATION[shape.dialect])
    return (stmt.add_columns(case((rows.c.maintenance_id.is_not(None), reason)).label("reason"))
            .order_by(rows.c.starts_at, code, rows.c.id))


@lru_cache(maxsize=128)
def on_driver(shape: Shape, which: str) -> DriverStatement | None:
    """``candidates`` or ``occupancy_rows`` of ``shape`` run straight on the driver's cursor, the values
    as psycopg hands them over: the same values (numeric as ``Decimal`` of the column's scale, instants
    aware in UTC, as the connection speaks UTC) without SQLAlchemy's result object and processing
    around a thousand rows. None elsewhere: SQLite hands instants over as text, and the driver
    statement takes no IN-list (of ids, or of kinds in a guests criterion)."""
    if shape.dialect != "postgresql":
        return None
    statement = candidates(shape) if which == "candidates" else occupancy_rows(shape)
    if any(bind.expanding for bind in statement.compile(dialect=postgresql.dialect()).binds.values()):
        return None
    return DriverStatement(statement, as_stored=True)
