"""What the event bus costs per handler.

In the transaction: ``emit`` to N no-op handlers of an enabled plugin (N = 1,
10, 100) inside an open transaction, as an operation does; the cost per
handler is the emit time less that of an emit nobody listens to, divided by
N (and, more severely, the whole emit time divided by N). Target (issue 2,
"Speed"): at most 20 µs per in-transaction handler.

After commit: ``emit`` to N after-commit handlers writes one outbox row per
handler in the emitter's transaction; measured are the enqueue (``emit``
itself) and the flush after each emit that inserts its N rows, per handler. Delivery happens
after commit and is not part of the emitter's cost.

    .venv/bin/python bench/event_dispatch.py --help
"""
from __future__ import annotations

import argparse
import statistics
import time

import benchlib

from core.events.bus import Handler

TARGET_US = 20.0
PAYLOAD = {"project_id": 42, "status": "confirmed", "by": "王经理"}


def noop(session, payload) -> None:
    """A handler doing nothing, so only the dispatch is measured."""


def connect_handlers(kernel, handlers: int, after_commit: bool) -> str:
    event = f"bench.{'queued' if after_commit else 'happened'}_{handlers}"
    for i in range(handlers):
        kernel.bus.connect(Handler(event=event, func=noop, after_commit=after_commit,
                                   plugin="example", name=f"{event}.{i}"))
    return event


def emit_us(kernel, event: str, emits: int) -> float:
    """Mean time of one emit, inside one open transaction."""
    with kernel.system_session() as session:
        kernel.registry.enabled(session)  # the enabled set is read once per transaction
        t0 = time.perf_counter_ns()
        for _ in range(emits):
            kernel.bus.emit(session, event, **PAYLOAD)
        spent = time.perf_counter_ns() - t0
        session.rollback()
    return spent / emits / 1000


def in_transaction_us(kernel, event: str, handlers: int, emits: int, rounds: int) -> tuple[float, float]:
    """(emit µs, emit µs of an event nobody listens to), medians over rounds run side by side."""
    heard, unheard = [], []
    for _ in range(rounds):
        heard.append(emit_us(kernel, event, max(1, emits // handlers)))
        unheard.append(emit_us(kernel, "bench.unheard", max(1, emits // handlers)))
    return statistics.median(heard), statistics.median(unheard)


def after_commit_us(kernel, event: str, handlers: int, emits: int, rounds: int) -> tuple[float, float]:
    """(enqueue µs, flush µs) per handler: each emit adds N outbox rows, its flush inserts them."""
    enqueue, flush = [], []
    for _ in range(rounds):
        spent_emit = spent_flush = 0
        with kernel.system_session() as session:
            kernel.registry.enabled(session)
            for _ in range(emits):
                t0 = time.perf_counter_ns()
                kernel.bus.emit(session, event, **PAYLOAD)
                t1 = time.perf_counter_ns()
                session.flush()
                spent_emit += t1 - t0
                spent_flush += time.perf_counter_ns() - t1
            session.rollback()  # never commit: delivery is not the emitter's cost
        enqueue.append(spent_emit / (emits * handlers) / 1000)
        flush.append(spent_flush / (emits * handlers) / 1000)
    return statistics.median(enqueue), statistics.median(flush)


def run_backend(backend: str, args) -> list[dict]:
    rows = []
    with benchlib.workdir() as work, benchlib.scratch_database(backend, work) as url:
        kernel = benchlib.make_kernel(url, work / "instance", enable=("example",))
        try:
            for n in args.handlers:
                event = connect_handlers(kernel, n, after_commit=False)
                heard, unheard = in_transaction_us(kernel, event, n, args.emits, args.rounds)
                queued = connect_handlers(kernel, n, after_commit=True)
                enqueue_us, flush_us = after_commit_us(kernel, queued, n, max(1, args.queued_emits // n),
                                                       args.rounds)
                rows.append({"db": backend, "handlers": n, "emit_us": heard, "silent_us": unheard,
                             "per_handler_us": max(0.0, heard - unheard) / n, "upper_us": heard / n,
                             "enqueue_us": enqueue_us, "flush_us": flush_us})
        finally:
            kernel.dispose()
    return rows


def print_results(rows: list[dict]) -> None:
    print(f"\nEvent dispatch (no-op handlers; target ≤ {TARGET_US:.0f} µs per in-transaction handler)")
    print(benchlib.table(
        ["db", "handlers", "emit µs", "unheard emit µs", "per handler µs", "emit/handlers µs", "target",
         "after-commit enqueue µs/handler", "outbox flush µs/handler"],
        [[r["db"], r["handlers"], r["emit_us"], r["silent_us"], r["per_handler_us"], r["upper_us"],
          benchlib.verdict(r["upper_us"], TARGET_US), r["enqueue_us"], r["flush_us"]] for r in rows]))
    print("per handler = (emit - unheard emit) / handlers; the target is checked on emit/handlers, "
          "which also charges the emit's fixed cost to the handlers.")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    benchlib.add_db_argument(p)
    p.add_argument("--handlers", type=int, nargs="+", default=[1, 10, 100], help="handler counts to measure")
    p.add_argument("--emits", type=int, default=20_000,
                   help="in-transaction handler calls per round (emits = this / handlers)")
    p.add_argument("--queued-emits", type=int, default=1_000,
                   help="outbox rows per round for after-commit handlers (emits = this / handlers, "
                        "each followed by a flush)")
    p.add_argument("--rounds", type=int, default=7, help="rounds; the median is reported")
    return p


def main(argv=None) -> list[dict]:
    args = parser().parse_args(argv)
    rows = []
    for backend in benchlib.backends(args.db):
        rows += run_backend(backend, args)
    print_results(rows)
    return rows


if __name__ == "__main__":
    main()
