"""The statements of the occupancy rule, built once per dialect and run with bound values.

Booking a resource runs the same few statements every time: the parts of
a resource, the group of resources to lock, the occupancies in a window.
Building them anew for each booking, and having SQLAlchemy compute their
cache keys, cost more CPU than the database spent running them (the window
query alone, a union of two arms, took most of a millisecond); so each is
built once per dialect here, with bound parameters, and kept.

What a row in the way is and how the window is searched is explained in
``operations.occupancy``; this module only writes it down.
"""
from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from sqlalchemy import ARRAY, Integer, and_, any_, bindparam, func, select, text, union_all

from plugins.resources.models import Booking, Occupancy, Resource, resource_part

#: Occupancies longer than this are *long* (maintenance, rentals over weeks): few, with an index of their own.
LONG = timedelta(days=7)
#: "The row is long", written exactly as the partial index's predicate (revision resources_0002), per dialect.
LONG_ROW = {
    "postgresql": "(resources_occupancy.ends_at - resources_occupancy.starts_at) > interval '7 days'",
    "sqlite": "julianday(resources_occupancy.ends_at) - julianday(resources_occupancy.starts_at) > 7",
}


def among(dialect: str, column, name: str):
    """``column IN :name``, the list bound at run time; on PostgreSQL ``= ANY(:name)``: one array
    parameter, however many ids (a list of parameters costs more to send than to run)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


@lru_cache(maxsize=8)
def parts_of(dialect: str):
    """``(combined_id, part_id)`` of the combined halls among ``:ids``."""
    return (select(resource_part.c.combined_id, resource_part.c.part_id)
            .where(among(dialect, resource_part.c.combined_id, "ids"))
            .order_by(resource_part.c.combined_id, resource_part.c.part_id))


def arms(dialect: str, of_parts, starts_at, ends_at, since) -> list:
    """Criteria for "the row is one of ``of_parts`` and overlaps the half-open window", as disjoint arms
    (why two: ``occupancy.taken``); the bounds may be values or bound parameters, ``since`` being
    ``starts_at - LONG``."""
    if dialect not in LONG_ROW:
        return [and_(of_parts, Occupancy.starts_at < ends_at, Occupancy.ends_at > starts_at)]
    return [and_(of_parts, Occupancy.starts_at >= since, Occupancy.starts_at < ends_at, Occupancy.ends_at > starts_at),
            and_(of_parts, text(LONG_ROW[dialect]), Occupancy.starts_at < since, Occupancy.ends_at > starts_at)]


def overlapping(criteria: list, exclude_booking_id=None):
    """The statement reading the occupancies matching one of ``criteria`` (``arms``), and the subquery
    its columns come from (to add columns or an order to it). Each row has ``part_id, starts_at,
    ends_at, quantity, booking_id, booking_code, maintenance_id``. ``exclude_booking_id`` (a value or
    a bound parameter) leaves that booking's own rows out."""
    selects = []
    for criterion in criteria:
        arm = select(Occupancy.id, Occupancy.part_id, Occupancy.starts_at, Occupancy.ends_at, Occupancy.quantity,
                     Occupancy.booking_id, Occupancy.booking_code, Occupancy.maintenance_id).where(criterion)
        if exclude_booking_id is not None:
            arm = arm.where((Occupancy.booking_id != exclude_booking_id) | Occupancy.booking_id.is_(None))
        selects.append(arm)
    found = (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("found")
    # A row carries its booking's code; one written without it (by hand) has it looked up, row by row,
    # never by a join the planner might turn into a scan of every booking.
    lookup = select(Booking.code).where(Booking.id == found.c.booking_id).scalar_subquery()
    code = func.coalesce(found.c.booking_code, lookup)
    stmt = select(found.c.part_id, found.c.starts_at, found.c.ends_at, found.c.quantity, found.c.booking_id,
                  code.label("booking_code"), found.c.maintenance_id)
    # The rows are the plugin's own bookkeeping: whoever may book must see every slot taken,
    # whether or not the booking behind it is visible to them (its code is all that is named).
    return stmt.execution_options(huiwu_system=True), found


@lru_cache(maxsize=8)
def taken(dialect: str, excluding: bool):
    """The occupancies of ``:parts`` overlapping ``:starts_at`` .. ``:ends_at`` (``:since`` is
    ``starts_at - LONG``), earliest first; without those of booking ``:exclude`` when ``excluding``."""
    criteria = arms(dialect, among(dialect, Occupancy.part_id, "parts"), bindparam("starts_at"),
                    bindparam("ends_at"), bindparam("since"))
    stmt, found = overlapping(criteria, bindparam("exclude") if excluding else None)
    return stmt.order_by(found.c.starts_at, found.c.id)


@lru_cache(maxsize=8)
def lock_one():
    """Lock resource ``:id``."""
    return (select(Resource.id).where(Resource.id == bindparam("id")).with_for_update()
            .execution_options(huiwu_system=True))


def _group(ids):
    """Criterion for the group of ``ids`` (see ``occupancy.group_ids``).

    A combined hall is never a part of another, so asking for the halls that
    have one of ``ids`` *or* one of their parts as a part finds exactly the
    halls sharing a physical part with them.
    """
    parts = select(resource_part.c.part_id).where(resource_part.c.combined_id.in_(ids))
    sharing = select(resource_part.c.combined_id).where(
        resource_part.c.part_id.in_(ids) | resource_part.c.part_id.in_(parts))
    parts_of_sharing = select(resource_part.c.part_id).where(resource_part.c.combined_id.in_(sharing))
    return (Resource.id.in_(ids) | Resource.id.in_(parts) | Resource.id.in_(sharing)
            | Resource.id.in_(parts_of_sharing))


@lru_cache(maxsize=8)
def group(locking: bool):
    """``(id, part_id)`` of the group of ``:ids`` in ascending order of id, a row per part of a combined
    hall (``part_id`` None for anything else); the resources' rows locked when ``locking``."""
    stmt = (select(Resource.id, resource_part.c.part_id)
            .outerjoin(resource_part, resource_part.c.combined_id == Resource.id)
            .where(_group(bindparam("ids", expanding=True)))
            .order_by(Resource.id, resource_part.c.part_id)
            .execution_options(huiwu_system=True))
    return stmt.with_for_update(of=Resource) if locking else stmt
