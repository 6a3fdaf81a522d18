"""Locking the resources a booking action touches, and remembering what the transaction holds.

Every action that writes occupancy locks the resource rows it may touch
with ``FOR UPDATE`` first (``lock_group``: the resource, its parts, the
combined halls sharing a part and their parts, in ascending id order, so
two actions never wait on each other in a circle). Under those locks the
check "does it fit?" and the write that follows cannot be raced.

The session remembers, per transaction, what it locked and the parts it
read with the lock, so that the steps of one action do not ask again: a
booking asks the database once for its locks and parts, not three times.
A lock taken in a savepoint that was rolled back is released by the
database, so only what was locked in the current transaction, or in one
enclosing it, counts.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import scoped_session

from plugins.resources.operations import occupancy_sql as sql

#: Where a session keeps what it holds: a list of ``Held``, one per locking statement.
KEY = "resources.locked"


@dataclass(frozen=True)
class Held:
    #: The (sub)transaction the lock was taken in.
    transaction: object
    ids: frozenset[int]
    #: The parts of each resource locked (itself unless it is combined), read with the lock.
    parts: dict[int, tuple[int, ...]]
    #: The resources whose whole group is locked (asked for through ``lock_group``).
    groups: frozenset[int]


def lock(session, resource_id: int) -> None:
    """Lock one resource until the transaction ends (a no-op on SQLite); not again if it is held."""
    if resource_id in held(session):
        return
    session.execute(sql.lock_one(), {"id": resource_id})
    _remember(session, Held(_current(session), frozenset([resource_id]), {}, frozenset()))


def group_ids(session, resource_ids) -> list[int]:
    """The resources whose bookings can stand in each other's way with those of ``resource_ids``.

    That is each resource, the parts it occupies, every combined hall sharing
    one of those parts, and those halls' parts: all the rows a booking,
    cancellation or promotion of ``resource_ids`` may lock or point at.
    """
    rows = session.execute(sql.group(locking=False), {"ids": sorted(set(resource_ids))})
    return sorted({rid for rid, _part in rows})


def lock_group(session, resource_ids) -> list[int]:
    """Lock the group of ``resource_ids`` (``group_ids``) in ascending id order, before anything else.

    Taking every lock a booking action needs up front, always in the same
    order, is what keeps two actions from waiting on each other (PostgreSQL
    would abort one as a deadlock): inserting a booking or an occupancy row
    takes a key-share lock on the resource it points at, which conflicts
    with another transaction's ``FOR UPDATE``, unless this transaction holds
    that row already. One statement finds the group, locks it and reads the
    parts of its members. Returns the ids locked.
    """
    asked = sorted(set(resource_ids))
    found: dict[int, list[int]] = {}
    for rid, part_id in session.execute(sql.group(locking=True), {"ids": asked}):
        parts = found.setdefault(rid, [])
        if part_id is not None:
            parts.append(part_id)
    parts = {rid: tuple(ps) or (rid,) for rid, ps in found.items()}
    _remember(session, Held(_current(session), frozenset(parts), parts, frozenset(asked)))
    return sorted(parts)


def held(session) -> frozenset[int]:
    """The resources this session's transaction holds locked through ``lock`` or ``lock_group``."""
    return frozenset(i for h in _valid(session) for i in h.ids)


def parts_held(session, resource_id: int) -> list[int] | None:
    """The parts of ``resource_id`` as read when it was locked in this transaction; None if it was not."""
    for h in _valid(session):
        if resource_id in h.parts:
            return list(h.parts[resource_id])
    return None


def group_held(session, resource_id: int) -> bool:
    """True when ``lock_group`` locked the whole group of ``resource_id`` in this transaction: no one
    else can then write occupancy that overlaps its parts until it ends."""
    return any(resource_id in h.groups for h in _valid(session))


def _plain(session):
    """The session itself, also when given the scoped registry (admin views hold one)."""
    return session() if isinstance(session, scoped_session) else session


def _current(session):
    session = _plain(session)
    return session.get_nested_transaction() or session.get_transaction()


def _chain(session) -> set:
    """The current transaction (a savepoint's, if one is open) and those enclosing it."""
    found, transaction = set(), _current(session)
    while transaction is not None:
        found.add(transaction)
        transaction = transaction.parent
    return found


def _valid(session) -> list[Held]:
    memo = _plain(session).info.get(KEY)
    if not memo:
        return []
    chain = _chain(session)
    return [h for h in memo if h.transaction in chain]


def _remember(session, entry: Held) -> None:
    _plain(session).info[KEY] = [*_valid(session), entry]
