"""``huiwu worker``: one pass (--burst) delivers what is due and runs due jobs, with or without Redis."""
import os
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.cli import Context, main
from core.events import Handler, emit
from core.events.outbox import DELIVERED, PENDING, OutboxMessage
from core.services import scheduler, worker

REDIS_URL = os.environ.get("HUIWU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def received(kernel):
    got = []
    handler = Handler("test.happened", lambda session, payload: got.append(payload),
                      after_commit=True, name="test.worker_handler")
    kernel.bus.connect(handler)
    yield got
    kernel.bus.disconnect(handler)


@pytest.fixture
def jobs_run(monkeypatch):
    """Stands in for the scheduler, to see that the worker asks it to run due jobs."""
    calls = []

    def run_due_jobs(kernel):
        calls.append(kernel)
        return 0

    monkeypatch.setattr(scheduler, "run_due_jobs", run_due_jobs)
    return calls


def emit_undelivered(kernel, monkeypatch, **payload):
    """Commit a message whose hand-over is lost (a crash right after commit)."""
    with monkeypatch.context() as patch:
        patch.setattr(kernel, "dispatch_outbox", lambda ids: None)
        with kernel.system_session() as session:
            emit(session, "test.happened", **payload)
            session.commit()


def statuses(kernel):
    with kernel.system_session() as session:
        return list(session.execute(select(OutboxMessage.status)).scalars())


def test_burst_without_redis_delivers_due_messages_and_runs_jobs(kernel, received, jobs_run, monkeypatch):
    emit_undelivered(kernel, monkeypatch, n=1)
    assert statuses(kernel) == [PENDING]
    lines = []

    worker.run_worker(kernel, burst=True, echo=lines.append)

    assert received == [{"n": 1}]
    assert statuses(kernel) == [DELIVERED]
    assert jobs_run == [kernel]
    assert "1 outbox message(s) handled" in lines[-1]


def test_cli_worker_burst(kernel, received, jobs_run, monkeypatch):
    emit_undelivered(kernel, monkeypatch, n=2)
    context = Context()
    context._kernel = kernel

    result = CliRunner().invoke(main, ["worker", "--burst"], obj=context)

    assert result.exit_code == 0, result.output
    assert received == [{"n": 2}]
    assert "handled" in result.output


def test_worker_with_unreachable_redis_says_so_in_one_line(kernel, monkeypatch):
    import redis

    monkeypatch.setattr(kernel.settings, "redis_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(kernel, "_redis", redis.Redis.from_url("redis://127.0.0.1:1/0"))
    context = Context()
    context._kernel = kernel

    result = CliRunner().invoke(main, ["worker", "--burst"], obj=context)

    assert result.exit_code == 2
    assert result.output.startswith("huiwu: cannot reach Redis")
    assert "Traceback" not in result.output


def test_burst_with_redis_runs_queued_deliveries_then_sweeps(kernel, received, jobs_run, monkeypatch):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    import core.kernel
    from core.events.dispatch import rq_queue

    emit_undelivered(kernel, monkeypatch, n="lost")  # hand-over lost: only the sweep finds it
    monkeypatch.setattr(kernel.settings, "redis_url", REDIS_URL)
    monkeypatch.setattr(kernel, "_redis", connection)
    monkeypatch.setattr(kernel, "queue_name", f"huiwu-test-{uuid.uuid4().hex[:8]}", raising=False)
    monkeypatch.setattr(core.kernel, "current", kernel)
    with kernel.system_session() as session:
        emit(session, "test.happened", n="queued")
        session.commit()
    assert rq_queue(kernel).count == 1
    lines = []

    try:
        worker.run_worker(kernel, burst=True, echo=lines.append)
    finally:
        rq_queue(kernel).delete(delete_jobs=True)

    assert sorted(p["n"] for p in received) == ["lost", "queued"]
    assert statuses(kernel) == [DELIVERED, DELIVERED]
    assert jobs_run == [kernel]
    assert "drained" in lines[-1]
