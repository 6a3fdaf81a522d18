"""The declarative base: stamps, the version counter, constraint names, the kernel's migration."""
from datetime import UTC

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm.exc import StaleDataError

from core.api.base import check_version
from core.db.base import metadata
from core.errors import Conflict
from core.security.principal import act_as, load_principal
from tests.plugins_for_tests.orm_models import Charge, SampleContact, create_tables


@pytest.fixture
def contact_id(kernel, db):
    create_tables(kernel.engine)
    person = SampleContact(name="赵磊")
    db.add(person)
    db.commit()
    return person.id


def test_rows_are_stamped_with_who_and_when(kernel, make_user, contact_id):
    clerk = make_user("wuli")
    with kernel.system_session() as s:
        act_as(s, load_principal(s, clerk.id))
        person = s.get(SampleContact, contact_id)
        created_at = person.created_at
        person.name = "赵磊（客户经理）"
        s.commit()
        assert person.created_by_id is None  # created by the system
        assert person.updated_by_id == clerk.id
        assert person.updated_at > created_at
        assert person.version == 2


def test_a_second_writer_of_a_stale_row_fails_instead_of_overwriting(kernel, contact_id):
    with kernel.system_session() as first, kernel.system_session() as second:
        mine = first.get(SampleContact, contact_id)
        first.commit()  # both read version 1; on SQLite no transaction may stay open meanwhile
        theirs = second.get(SampleContact, contact_id)
        theirs.name = "赵磊 (second writer)"
        second.commit()

        mine.name = "赵磊 (first writer, stale)"
        with pytest.raises(StaleDataError):
            first.flush()
        first.rollback()
    with kernel.system_session() as s:
        row = s.get(SampleContact, contact_id)
        assert (row.name, row.version) == ("赵磊 (second writer)", 2)


def test_check_version_turns_a_stale_edit_into_a_conflict(app, kernel, contact_id):
    with kernel.system_session() as s:
        row = s.get(SampleContact, contact_id)
        check_version(row, 1)
        check_version(row, None)  # a client that sends no version is not checked
        with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(Conflict) as conflict:
            check_version(row, 0)
    assert conflict.value.status == 409
    assert str(conflict.value.message) == "The record was changed by someone else. Reload it and try again."
    assert conflict.value.errors == {"version": [str(conflict.value.message)]}


def test_constraints_are_named_by_the_convention_in_the_database(kernel):
    create_tables(kernel.engine)
    db = inspect(kernel.engine)
    assert db.get_pk_constraint("testorm_charge")["name"] == "pk_testorm_charge"
    assert [fk["name"] for fk in db.get_foreign_keys("testorm_charge")] == [
        "fk_testorm_charge_contact_id_testorm_contact"]
    assert [uq["name"] for uq in db.get_unique_constraints("testorm_charge")] == [
        "uq_testorm_charge_contact_id_label"]
    assert [ck["name"] for ck in db.get_check_constraints("testorm_charge")] == [
        "ck_testorm_charge_amount_not_negative"]
    assert "ix_testorm_contact_phone_index" in {ix["name"] for ix in db.get_indexes("testorm_contact")}
    assert Charge.__table__.c.amount.type.scale == 2


def test_the_kernel_migration_creates_exactly_the_kernel_tables(kernel):
    """After changing a kernel model, regenerate core_0001 (scripts/regen_core_migration.py)."""
    with kernel.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, *_: type_ != "table" or name.startswith("core_")
            and name != "core_alembic_version",
        })
        kernel_tables = metadata.tables.keys() - {n for n in metadata.tables if not n.startswith("core_")}
        differences = compare_metadata(context, metadata)
    assert differences == [], f"core_0001 is out of date with the kernel models ({len(kernel_tables)} tables)"


def test_a_pooled_connection_the_server_dropped_while_idle_is_replaced(kernel, monkeypatch):
    """PostgreSQL: no ping per request, but an idle connection is checked before it is handed out."""
    from sqlalchemy import text

    from core.db import session as session_module

    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    kernel.engine.dispose()  # an empty pool: the victim below is its only idle connection
    killer = kernel.engine.connect()
    with kernel.engine.connect() as conn:
        victim = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    try:  # the victim is back in the pool, idle; the server drops it
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        killer.commit()
        monkeypatch.setattr(session_module, "IDLE_PING_SECONDS", 0)
        with kernel.engine.connect() as conn:  # the pool's only idle connection is the dropped one
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            alive = conn.exec_driver_sql("SELECT 1").scalar_one()
    finally:
        killer.close()
    assert alive == 1
    assert pid != victim


def test_postgresql_hands_instants_over_in_utc(kernel, db):
    """Each connection speaks UTC, so the driver reads instants in the zone they are used in."""
    if kernel.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores instants as text in UTC already")
    assert db.execute(text("SHOW TIME ZONE")).scalar_one() == "UTC"
    assert db.execute(text("SELECT now()")).scalar_one().tzinfo is UTC
