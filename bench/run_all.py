"""Every kernel benchmark with sane defaults (a few minutes), then one summary table.

Runs on SQLite, and on PostgreSQL too when ``HUIWU_BENCH_DATABASE_URL`` is set.
Benchmarks are never part of the test suite: figures depend on the machine
and on what else it is doing, so run them on a quiet one and compare ratios
rather than absolute times.

    .venv/bin/python bench/run_all.py --help
"""
from __future__ import annotations

import argparse
import time

import benchlib
import event_dispatch
import request_overhead
import startup


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    benchlib.add_db_argument(p)
    p.add_argument("--quick", action="store_true",
                   help="smaller data and fewer repetitions (a smoke run, not figures to quote)")
    p.add_argument("--http", action="store_true", help="also measure the request overhead under gunicorn")
    return p


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    db = ["--db", args.db]
    quick = args.quick
    t0 = time.perf_counter()
    start = startup.main(db + ["--runs", "3" if quick else "7"])
    events = event_dispatch.main(db + (["--rounds", "3", "--emits", "5000", "--queued-emits", "300"] if quick else []))
    requests = request_overhead.main(
        db + (["--notes", "20000", "--users", "200", "--requests", "300"] if quick
              else ["--notes", "200000", "--users", "1000", "--requests", "1000"])
        + (["--http", "--http-requests", "100" if quick else "300"] if args.http else []))
    print_summary(start, events, requests)
    print(f"\nall benchmarks took {time.perf_counter() - t0:.0f} s")


def print_summary(start: list[dict], events: list[dict], requests: list[dict]) -> None:
    rows = []
    for r in start:
        if r["what"].startswith(("cold: new process", "warm")):
            rows.append(["start-up", r["db"], r["what"], f"{r['median']:,.0f} ms (p95 {r['p95']:,.0f})", "-", ""])
    for r in requests:
        if r["ratio"] is not None:
            rows.append(["request overhead", r["db"], r["variant"],
                         f"{r['median']:,.0f} µs = {r['ratio']:.2f}× bare", f"≤ {request_overhead.TARGET}×",
                         benchlib.verdict(r["ratio"], request_overhead.TARGET)])
    for r in events:
        rows.append(["event dispatch", r["db"], f"{r['handlers']} in-transaction handlers",
                     f"{r['upper_us']:.2f} µs/handler (marginal {r['per_handler_us']:.2f})",
                     f"≤ {event_dispatch.TARGET_US:.0f} µs", benchlib.verdict(r["upper_us"], event_dispatch.TARGET_US)])
        rows.append(["event dispatch", r["db"], f"{r['handlers']} after-commit handlers",
                     f"{r['enqueue_us']:.1f} µs enqueue + {r['flush_us']:.0f} µs flush per handler", "-", ""])
    print("\nSummary")
    print(benchlib.table(["benchmark", "db", "case", "figure", "target", "verdict"], rows))


if __name__ == "__main__":
    main()
