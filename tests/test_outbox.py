"""The outbox: retried with back-off, dead-lettered, retried from the admin, and run by RQ."""
import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.events import Handler, emit, outbox
from core.events.outbox import DEAD, DELIVERED, MAX_ATTEMPTS, PENDING, OutboxMessage
from core.testing import csrf_from

REDIS_URL = os.environ.get("HUIWU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Flaky:
    """An after-commit handler that fails while ``failing`` is set."""

    def __init__(self):
        self.failing = True
        self.received = []

    def __call__(self, session, payload):
        if self.failing:
            raise ConnectionError("mail server down")
        self.received.append(payload)


@pytest.fixture
def flaky(kernel):
    handler = Flaky()
    registered = Handler("test.happened", handler, after_commit=True, name="test.flaky")
    kernel.bus.connect(registered)
    yield handler
    kernel.bus.disconnect(registered)


def emit_and_commit(kernel, **payload):
    with kernel.system_session() as session:
        emit(session, "test.happened", **payload)
        session.commit()
    return message(kernel)


def message(kernel):
    with kernel.system_session() as session:
        return session.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().first()


def test_failing_handler_is_retried_with_backoff_then_dead_lettered(kernel, flaky):
    first = emit_and_commit(kernel, n=1)  # inline delivery: attempt 1 fails
    assert (first.status, first.attempts) == (PENDING, 1)
    assert "mail server down" in first.last_error
    assert outbox.deliver_due(kernel) == 0  # not due before its back-off ran out

    waits, msg = [], first
    while msg.status == PENDING:
        before = msg.next_attempt_at
        outbox.deliver_due(kernel, now=before)
        msg = message(kernel)
        if msg.status == PENDING:
            waits.append(msg.next_attempt_at - before)

    assert msg.status == DEAD
    assert msg.attempts == MAX_ATTEMPTS
    assert waits[:3] == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    assert flaky.received == []


def test_handler_that_recovers_is_delivered_on_its_next_attempt(kernel, flaky):
    msg = emit_and_commit(kernel, n=2)
    flaky.failing = False

    assert outbox.deliver(kernel, msg.id, now=msg.next_attempt_at) == DELIVERED
    assert flaky.received == [{"n": 2}]
    assert message(kernel).last_error is None


def test_a_savepoint_neither_delivers_nor_forgets_the_messages_of_its_transaction(kernel, flaky):
    flaky.failing = False
    with kernel.system_session() as session:
        emit(session, "test.happened", n="before")
        with session.begin_nested():  # released: nothing is committed yet, so nothing is delivered
            emit(session, "test.happened", n="kept")
        assert flaky.received == []
        undone = session.begin_nested()
        emit(session, "test.happened", n="undone")
        undone.rollback()
        session.commit()
    assert sorted(p["n"] for p in flaky.received) == ["before", "kept"]


def kill(kernel, msg):
    """Run a message through all its attempts."""
    while message(kernel).status == PENDING:
        outbox.deliver_due(kernel, now=message(kernel).next_attempt_at)
    assert message(kernel).status == DEAD


def test_administrator_retries_a_dead_message_from_the_outbox_page(kernel, flaky, admin_client):
    msg = emit_and_commit(kernel, n=3)
    kill(kernel, msg)

    page = admin_client.get("/admin/outbox/?flt0_0=dead").get_data(as_text=True)
    assert "test.flaky" in page and "mail server down" in page
    assert 'class="btn btn-link btn-sm p-0 huiwu-retry"' in page
    flaky.failing = False

    refused = admin_client.post("/admin/outbox/action/", data={"action": "retry", "rowid": msg.id})
    assert refused.status_code == 400  # no CSRF token
    assert message(kernel).status == DEAD

    admin_client.post("/admin/outbox/action/", data={
        "action": "retry", "rowid": msg.id, "csrf_token": csrf_from(page)})

    assert message(kernel).status == DELIVERED
    assert flaky.received == [{"n": 3}]


def test_outbox_page_and_retry_need_their_permissions(kernel, flaky, make_user, client_as):
    msg = emit_and_commit(kernel, n=4)
    kill(kernel, msg)
    flaky.failing = False

    nobody = client_as(make_user("clerk", permissions=["core.user.read"]))
    assert nobody.get("/admin/outbox/").status_code == 403

    reader = client_as(make_user("reader", permissions=["core.outbox.read"]))
    page = reader.get("/admin/outbox/").get_data(as_text=True)
    assert "test.flaky" in page
    assert "huiwu-retry" not in page
    token = csrf_from(reader.get("/admin/inbox/").get_data(as_text=True))
    reader.post("/admin/outbox/action/", data={"action": "retry", "rowid": msg.id, "csrf_token": token})
    assert message(kernel).status == DEAD


def test_outbox_page_counts_messages_by_status(kernel, flaky, admin_client):
    kill(kernel, emit_and_commit(kernel, n=5))
    flaky.failing = False
    emit_and_commit(kernel, n=6)

    page = admin_client.get("/admin/outbox/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="outbox-dead"' in page
    dead_tab = page.split('id="outbox-dead"')[1].split("</a>")[0]
    delivered_tab = page.split('id="outbox-delivered"')[1].split("</a>")[0]
    assert ">1<" in dead_tab and ">1<" in delivered_tab


# -- RQ ----------------------------------------------------------------------------

@pytest.fixture
def redis_kernel(kernel, monkeypatch):
    """The test kernel handing messages to RQ on a queue of this test's own."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    import core.kernel

    monkeypatch.setattr(kernel.settings, "redis_url", REDIS_URL)
    monkeypatch.setattr(kernel, "_redis", connection)
    monkeypatch.setattr(kernel, "queue_name", f"huiwu-test-{uuid.uuid4().hex[:8]}", raising=False)
    monkeypatch.setattr(core.kernel, "current", kernel)
    yield kernel
    from core.events.dispatch import rq_queue

    rq_queue(kernel).delete(delete_jobs=True)
    connection.close()


def test_with_redis_messages_are_delivered_by_an_rq_worker(redis_kernel, flaky):
    from rq import SimpleWorker

    from core.events.dispatch import rq_queue

    flaky.failing = False
    msg = emit_and_commit(redis_kernel, n=7)
    assert msg.status == PENDING and msg.attempts == 0  # handed to RQ, not delivered inline
    queue = rq_queue(redis_kernel)
    assert queue.count == 1

    SimpleWorker([queue], connection=redis_kernel.redis).work(burst=True)

    assert message(redis_kernel).status == DELIVERED
    assert flaky.received == [{"n": 7}]


def test_redis_down_at_commit_loses_nothing(kernel, flaky, monkeypatch):
    import redis

    monkeypatch.setattr(kernel.settings, "redis_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(kernel, "_redis", redis.Redis.from_url("redis://127.0.0.1:1/0"))
    flaky.failing = False

    msg = emit_and_commit(kernel, n=8)  # the commit succeeds; the hand-over fails quietly
    assert msg.status == PENDING
    monkeypatch.undo()

    assert outbox.deliver_due(kernel) == 1
    assert flaky.received == [{"n": 8}]


def test_message_details_show_what_was_sent_in_chinese(kernel, flaky, make_user, client_as):
    msg = emit_and_commit(kernel, venue="国际会议中心")
    reader = client_as(make_user("reader", permissions=["core.outbox.read"], locale="zh_Hans"),
                       locale="zh_Hans")

    listing = reader.get("/admin/outbox/").get_data(as_text=True)
    details = reader.get(f"/admin/outbox/details/?id={msg.id}").get_data(as_text=True)

    assert "发件箱" in listing and "待投递" in listing
    assert "国际会议中心" in details and "mail server down" in details
