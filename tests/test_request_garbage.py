"""A request's database session, transaction and connection are freed when the request ends,
not left in reference cycles for the garbage collector: with a large heap, every collection the
kernel's own leftovers bring on costs each request a share of a scan over every live object."""
import gc

import pytest
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction


@pytest.fixture
def garbage():
    """The cyclic garbage the body of the ``with`` leaves, as a list of objects."""
    found: list = []

    class Collect:
        def __enter__(self):
            gc.collect()
            gc.disable()
            return found

        def __exit__(self, *_exc):
            gc.set_debug(gc.DEBUG_SAVEALL)
            try:
                gc.collect()
                found.extend(gc.garbage)
            finally:
                gc.garbage.clear()
                gc.set_debug(0)
                gc.enable()

    yield Collect()
    found.clear()


def test_requests_leave_no_session_in_a_reference_cycle(plugin_enabled, make_user, client_as, garbage):
    plugin_enabled("example")
    client = client_as(make_user("writer", permissions=["example.note.read", "example.note.create"]))
    client.get("/api/v1/example/notes")
    with garbage as found:
        assert client.post("/api/v1/example/notes", json={"title": "签到表"}).status_code == 201
        assert client.get("/api/v1/example/notes").status_code == 200
    leftovers = [o for o in found if isinstance(o, (Session, SessionTransaction, Connection))]
    assert leftovers == []
