"""Reading a log by time through its ids: the audit trail keeps no index on its time column."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select

from core.audit.models import AuditLog
from core.db.append_only import first_id_at_or_after

#: Later than the rows setting up a test writes.
NOON = datetime(2036, 11, 27, 12, 0, tzinfo=UTC)


def write_log(db, rows: dict[int, datetime]) -> dict[int, int]:
    """Rows at ids numbered from past the log's end (``{1: ...}`` is the next id); their real ids."""
    base = db.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
    db.execute(insert(AuditLog), [
        {"id": base + rid, "at": at, "user_id": None, "user_login": "system", "action": "insert",
         "table_name": "t", "record_id": str(rid), "changes": {}} for rid, at in rows.items()])
    db.commit()
    return {rid: base + rid for rid in rows}


def first_at_or_after(db, instant):
    return first_id_at_or_after(db, AuditLog.id, AuditLog.at, instant)


def test_a_log_has_no_row_after_its_last(db):
    write_log(db, {1: NOON})
    assert first_at_or_after(db, NOON + timedelta(seconds=1)) is None


@pytest.mark.parametrize(("instant", "expected"), [
    (NOON - timedelta(days=1), 3),         # before every row written here: the first
    (NOON, 3),                             # exactly the first row's time
    (NOON + timedelta(minutes=1), 7),      # between rows, across a gap in the ids
    (NOON + timedelta(minutes=2), 7),
    (NOON + timedelta(minutes=5), 40),
    (NOON + timedelta(minutes=9), 1000),   # the last row
    (NOON + timedelta(minutes=10), None),  # after every row
])
def test_the_first_row_at_or_after_an_instant_is_found_across_gaps(db, instant, expected):
    ids = write_log(db, {3: NOON, 4: NOON, 7: NOON + timedelta(minutes=2), 8: NOON + timedelta(minutes=3),
                         40: NOON + timedelta(minutes=5), 41: NOON + timedelta(minutes=5),
                         1000: NOON + timedelta(minutes=9)})
    found = first_at_or_after(db, instant)
    assert found == (None if expected is None else ids[expected])


def test_a_long_log_is_searched_in_few_look_ups(kernel, db):
    ids = write_log(db, {i: NOON + timedelta(seconds=i) for i in range(1, 5001)})
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(kernel.engine, "before_cursor_execute", count)
    try:
        assert first_at_or_after(db, NOON + timedelta(seconds=2500, milliseconds=1)) == ids[2501]
    finally:
        event.remove(kernel.engine, "before_cursor_execute", count)
    assert len(statements) <= 2 + 14  # the bounds, then one look-up per halving of 5,000 ids
