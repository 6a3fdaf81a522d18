"""The event bus: vetoes roll the whole action back, after-commit handlers go
through the outbox, disabled plugins' handlers never run, order is fixed."""
import pytest
from huiwu_example.models import Note
from sqlalchemy import func, select

from core.events import EventType, Handler, emit
from core.events.outbox import DELIVERED, SKIPPED, OutboxMessage
from core.notify.models import InboxMessage
from core.testing import csrf_from, plugin_state


@pytest.fixture
def connect(kernel):
    """Connect kernel-level handlers for one test."""
    added = []

    def _connect(*handlers):
        for handler in handlers:
            kernel.bus.connect(handler)
            added.append(handler)

    yield _connect
    for handler in added:
        kernel.bus.disconnect(handler)


@pytest.fixture
def note_taker(plugin_enabled, make_user):
    plugin_enabled("example")
    return make_user("writer", roles=["note_taker"])


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_veto_rolls_back_the_action_and_the_api_says_why(client_as, note_taker, db):
    response = client_as(note_taker).post("/api/v1/example/notes", json={"title": "Wi-Fi password"})

    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_failed"
    assert "passwords" in body["message"]
    assert "title" in body["errors"]
    assert count(db, Note) == 0
    assert count(db, OutboxMessage) == 0
    assert count(db, InboxMessage) == 0


def test_veto_from_the_admin_form_saves_nothing_and_shows_the_message(client_as, note_taker, db):
    client = client_as(note_taker)
    form = client.get("/admin/example_notes/new/").get_data(as_text=True)
    page = client.post("/admin/example_notes/new/", data={
        "title": "保险柜密码", "body": "", "csrf_token": csrf_from(form)}, follow_redirects=True)

    assert "Notes are no place for passwords" in page.get_data(as_text=True)
    assert count(db, Note) == 0


def test_after_commit_handler_writes_the_authors_inbox(client_as, note_taker, db):
    response = client_as(note_taker).post("/api/v1/example/notes", json={"title": "Venue visit"})

    assert response.status_code == 201
    note_id = response.get_json()["id"]
    message = db.execute(select(InboxMessage)).scalar_one()
    assert (message.user_id, message.title) == (note_taker.id, "Note saved: Venue visit")
    assert message.link == f"/admin/example_notes/details/?id={note_id}"
    targets = db.execute(select(OutboxMessage.target, OutboxMessage.status).order_by(OutboxMessage.id)).all()
    assert targets == [("event:huiwu_example.handlers.tell_author", DELIVERED),
                       ("notify.inbox", DELIVERED)]


def test_disabled_plugin_handlers_do_not_run_at_emit(kernel, note_taker, db):
    with plugin_state(kernel, "example", False), kernel.system_session() as session:
        emit(session, "example.note_created", note_id=1, title="password list", author_id=note_taker.id)
        session.commit()  # no veto: the vetoing handler's plugin is off

    assert count(db, OutboxMessage) == 0


def test_disabled_plugin_handlers_do_not_run_at_delivery(kernel, note_taker, db, monkeypatch):
    from core.events import outbox

    monkeypatch.setattr(kernel, "dispatch_outbox", lambda ids: None)  # as if the worker were late
    with kernel.system_session() as session:
        emit(session, "example.note_created", note_id=1, title="Menu", author_id=note_taker.id)
        session.commit()
    monkeypatch.undo()

    with plugin_state(kernel, "example", False):
        outbox.deliver_due(kernel)

    message = db.execute(select(OutboxMessage)).scalar_one()
    assert message.status == SKIPPED
    assert "disabled" in message.last_error
    assert count(db, InboxMessage) == 0


def test_handlers_run_kernel_first_then_by_plugin_order_then_as_declared(kernel, connect, plugin_enabled):
    plugin_enabled("example")
    calls = []

    def recorder(label):
        return lambda session, payload: calls.append(label)

    connect(
        Handler("test.ordered", recorder("example 1"), plugin="example", name="t.ex1"),
        Handler("test.ordered", recorder("kernel 1"), name="t.k1"),
        Handler("test.ordered", recorder("kernel 2"), name="t.k2"),
        Handler("test.ordered", recorder("example 2"), plugin="example", name="t.ex2"),
    )
    with kernel.system_session() as session:
        emit(session, "test.ordered")

    assert calls == ["kernel 1", "kernel 2", "example 1", "example 2"]


def test_rolled_back_emit_leaves_nothing_to_deliver(kernel, connect, db):
    delivered = []
    connect(Handler("test.happened", lambda s, p: delivered.append(p), after_commit=True, name="t.later"))

    with kernel.system_session() as session:
        emit(session, "test.happened", n=1)
        session.rollback()
        emit(session, "test.happened", n=2)
        session.commit()

    assert delivered == [{"n": 2}]
    assert count(db, OutboxMessage) == 1


def test_payload_must_be_json(kernel):
    from datetime import date

    with kernel.system_session() as session, pytest.raises(TypeError):
        emit(session, "test.happened", day=date(2026, 5, 1))


def test_plugin_events_carry_the_plugins_prefix(kernel):
    with pytest.raises(ValueError, match="outside its prefix"):
        kernel.bus.declare(EventType("crm.customer_created", plugin="example"))
    assert kernel.bus.types["example.note_created"].plugin == "example"
