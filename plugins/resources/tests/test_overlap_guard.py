"""The database itself refuses two exclusive occupancy rows of one part that overlap in time.

These tests write occupancy rows directly, past the operations, to show the
guard holds even when Python's own checks are bypassed.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from plugins.resources.models import Occupancy, Resource

T0 = datetime(2030, 6, 1, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.fixture
def hall_id(db):
    hall = Resource(code="VEN-T01", name="宴会厅", kind="venue", stock=1)
    db.add(hall)
    db.commit()
    return hall.id


def occupy(db, part_id, start, end, exclusive=True, quantity=1):
    db.add(Occupancy(part_id=part_id, starts_at=start, ends_at=end, exclusive=exclusive, quantity=quantity))
    db.commit()


def test_an_overlapping_exclusive_row_is_refused_by_the_database(db, hall_id):
    occupy(db, hall_id, T0, T0 + 4 * H)
    with pytest.raises(IntegrityError):
        occupy(db, hall_id, T0 + 3 * H, T0 + 5 * H)
    db.rollback()
    assert db.query(Occupancy).count() == 1


def test_back_to_back_rows_and_stocked_rows_are_allowed(db, hall_id):
    occupy(db, hall_id, T0, T0 + 4 * H)
    occupy(db, hall_id, T0 + 4 * H, T0 + 6 * H)
    occupy(db, hall_id, T0 + H, T0 + 2 * H, exclusive=False, quantity=3)
    occupy(db, hall_id, T0 + H, T0 + 2 * H, exclusive=False, quantity=3)
    assert db.query(Occupancy).count() == 4


def test_moving_a_row_onto_another_is_refused_too(db, hall_id):
    occupy(db, hall_id, T0, T0 + 2 * H)
    occupy(db, hall_id, T0 + 3 * H, T0 + 4 * H)
    row = db.query(Occupancy).order_by(Occupancy.id.desc()).first()
    row.starts_at = T0 + H
    with pytest.raises(IntegrityError):
        db.commit()
