"""Locking the resources a booking action touches: the whole group in one statement, remembered per transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from plugins.resources.operations import booking_flow, locks, occupancy
from plugins.resources.tests.conftest import T0, H


@pytest.fixture
def halls(make_resource):
    """A and B open into AB; C stands alone."""
    a, b = make_resource("A厅", code="VEN-0101"), make_resource("B厅", code="VEN-0102")
    ab = make_resource("AB厅", code="VEN-0103", parts=[a, b])
    c = make_resource("C厅", code="VEN-0104")
    return a, b, ab, c


@pytest.fixture
def statements(kernel):
    """The statements run from the moment the fixture is asked for."""
    seen = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(kernel.engine, "before_cursor_execute", listener)
    yield seen
    event.remove(kernel.engine, "before_cursor_execute", listener)


def selects(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_booking_a_part_locks_its_combined_hall_and_the_other_part_in_one_statement(db, halls, statements):
    a, b, ab, c = halls
    assert locks.lock_group(db, [a.id]) == sorted([a.id, b.id, ab.id])
    assert len(selects(statements)) == 1
    assert locks.group_ids(db, [c.id]) == [c.id] and locks.group_ids(db, [ab.id]) == sorted([a.id, b.id, ab.id])


def test_what_was_locked_and_read_with_the_lock_is_not_asked_for_again(db, halls, statements):
    a, b, ab, _c = halls
    locks.lock_group(db, [ab.id])
    assert locks.parts_held(db, ab.id) == [a.id, b.id] and locks.parts_held(db, a.id) == [a.id]
    assert locks.group_held(db, ab.id)
    locks.lock(db, b.id)
    occupancy.check_fits(db, ab, T0, T0 + 2 * H, 1, parts=locks.parts_held(db, ab.id))
    assert len(selects(statements)) == 2  # the group's lock, then the window's rows: no second lock, no parts query


def test_locks_taken_in_a_savepoint_that_was_rolled_back_are_forgotten(db, halls):
    """The database releases them with the savepoint, so they must be taken again."""
    a, *_rest = halls
    savepoint = db.begin_nested()
    locks.lock_group(db, [a.id])
    assert a.id in locks.held(db)
    savepoint.rollback()
    assert a.id not in locks.held(db) and not locks.group_held(db, a.id)


def test_locks_are_forgotten_when_the_transaction_ends(db, halls):
    a, *_rest = halls
    locks.lock_group(db, [a.id])
    db.commit()
    assert locks.held(db) == frozenset() and locks.parts_held(db, a.id) is None



def test_a_booking_request_locks_and_reads_its_parts_once_and_needs_no_savepoint(db, halls, project_id, statements):
    """Its whole group is locked first, so nobody can write an overlapping row before it commits."""
    a, *_rest = halls
    statements.clear()
    booking_flow.request_booking(db, {"project_id": project_id, "resource_id": a.id,
                                      "starts_at": T0 + 24 * H, "ends_at": T0 + 26 * H})
    db.commit()
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    assert len([s for s in statements if "resources_resource_part" in s]) == 1
