"""Resources at scale: availability on the large demo, booking creation over HTTP.

    .venv/bin/python bench/resources_bench.py availability --database-url URL --instance-path DIR [--runs 40]
    HUIWU_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/resources_bench.py booking-api [--seconds 10] [--clients 16]

``availability`` runs against a database loaded with ``huiwu demo --scale large``
(2,000+ resources, 1,000,000+ bookings; its instance folder holds the data
key): for each kind, ``--runs`` searches of a random 3-day window, as the
system. Target: at most 20 ms (median) on PostgreSQL.

``booking-api`` makes a scratch database on the PostgreSQL server named by
``HUIWU_BENCH_DATABASE_URL``, 400 exclusive resources and a
project, starts gunicorn with 2 workers and has ``--clients`` threads POST
bookings (distinct resources and windows, so every one succeeds) to
``/api/v1/resources/bookings`` with a bearer token for ``--seconds``.
Target: at least 200 bookings per second. It also prints the CPU time per
request of the gunicorn workers, of the database's server processes and
of the client threads (read from ``/proc``, Linux only): on a machine busy
with other work the rate swings with the load, the CPU per request much
less.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchlib

from core.config import Settings
from core.kernel import Kernel


def availability(args) -> None:
    from plugins.resources.operations.availability import Need, search

    os.environ["HUIWU_INSTANCE_PATH"] = args.instance_path
    kernel = Kernel(Settings.from_env(instance_path=Path(args.instance_path), database_url=args.database_url))
    rng = random.Random(7)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = []
    for kind in ("venue", "equipment", "catering", "troupe", "generic"):
        times, found = [], 0
        for _ in range(args.runs):
            start = now + timedelta(days=rng.randint(-300, 300), hours=rng.randint(0, 23))
            with kernel.system_session() as s:
                t0 = time.perf_counter()
                options = search(s, Need(starts_at=start, ends_at=start + timedelta(days=3), kind=kind))
                times.append((time.perf_counter() - t0) * 1000)
                found = len(options)
                s.rollback()
        rows.append([kind, found, f"{statistics.median(times):.1f}", f"{benchlib.percentile(times, 95):.1f}",
                     f"{min(times):.1f}", benchlib.verdict(statistics.median(times), 20)])
    print(benchlib.table(["kind", "resources listed", "median ms", "p95 ms", "best ms", "≤20 ms"], rows))
    kernel.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def booking_api(args) -> None:
    from plugins.crm.operations import customers as crm
    from plugins.project.operations import projects
    from plugins.resources.models import Resource

    with benchlib.workdir() as work, benchlib.scratch_database("postgresql", work) as url:
        env = {**os.environ, "HUIWU_DATABASE_URL": url, "HUIWU_INSTANCE_PATH": str(work)}
        huiwu = str(Path(sys.executable).parent / "huiwu")
        subprocess.run([huiwu, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        kernel = Kernel(Settings.from_env(instance_path=work, database_url=url))
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
        with kernel.system_session() as s:
            customer, _ = crm.create_customer(s, {"name": "压测客户有限公司"})
            s.flush()
            project = projects.create_project(s, {"name": "压测会议", "customer_id": customer.id, "start_at": start,
                                                  "end_at": start + timedelta(days=3)})
            s.add_all([Resource(code=f"GEN-B{i:04d}", name=f"压测资源{i}", kind="generic", stock=1)
                       for i in range(400)])
            s.flush()
            ids = [r.id for r in s.query(Resource).order_by(Resource.id)]
            from core.security import tokens
            from core.security.models import User
            admin = s.query(User).filter_by(login="admin").one()
            _token, raw = tokens.issue(s, admin.id, "bench")
            project_id = project.id
            s.commit()
        kernel.dispose()
        port = _free_port()
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b",
                                   f"127.0.0.1:{port}", "core.app:create_app()"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/api/v1/resources/bookings"
            for _ in range(100):
                try:
                    requests.get(base, headers={"Authorization": f"Bearer {raw}"}, timeout=30)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    time.sleep(0.2)
            counter = iter(range(10**9))
            lock = threading.Lock()
            done, failed, latencies = [], [], []
            deadline = time.perf_counter() + args.seconds

            def client():
                http = requests.Session()
                http.headers["Authorization"] = f"Bearer {raw}"
                while time.perf_counter() < deadline:
                    with lock:
                        n = next(counter)
                    slot = start + timedelta(hours=3 * (n // len(ids)))
                    body = {"project_id": project_id, "resource_id": ids[n % len(ids)],
                            "starts_at": slot.isoformat(), "ends_at": (slot + timedelta(hours=2)).isoformat()}
                    t0 = time.perf_counter()
                    answer = http.post(base, json=body, timeout=30)
                    latencies.append((time.perf_counter() - t0) * 1000)
                    (done if answer.status_code == 201 else failed).append(answer.status_code)

            workers, backends = benchlib.children_of(server.pid), _backends(url)
            app_before, db_before = benchlib.cpu_seconds(workers), benchlib.cpu_seconds(backends)
            client_before = time.process_time()
            t0 = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            client_cpu = time.process_time() - client_before
            app_cpu = benchlib.cpu_used(app_before, benchlib.cpu_seconds(workers))
            db_cpu = benchlib.cpu_used(db_before, benchlib.cpu_seconds(set(backends) | set(_backends(url))))
        finally:
            server.terminate()
            server.wait()
        rate = len(done) / wall
        n = max(len(done) + len(failed), 1)
        print(benchlib.table(["created", "refused", "seconds", "bookings/s", "median ms", "p95 ms", "≥200/s"], [[
            len(done), len(failed), f"{wall:.1f}", f"{rate:.0f}", f"{statistics.median(latencies):.1f}",
            f"{benchlib.percentile(latencies, 95):.1f}", "met" if rate >= 200 else "NOT MET"]]))
        print(f"CPU per request: gunicorn workers {app_cpu / n * 1000:.1f} ms, PostgreSQL backends "
              f"{db_cpu / n * 1000:.1f} ms, clients {client_cpu / n * 1000:.1f} ms; load average "
              f"{os.getloadavg()[0]:.1f} at the end")
        if failed:
            print("refusals:", sorted(set(failed)))


def _backends(url: str) -> list[int]:
    """The server processes serving connections to the scratch database (their CPU is the database's share)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> "
                                          "pg_backend_pid()"), {"db": make_url(url).database}))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("availability")
    a.add_argument("--database-url", required=True)
    a.add_argument("--instance-path", required=True)
    a.add_argument("--runs", type=int, default=40)
    b = sub.add_parser("booking-api")
    b.add_argument("--seconds", type=float, default=10)
    b.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    availability(args) if args.what == "availability" else booking_api(args)


if __name__ == "__main__":
    main()
