"""The kernel's overhead per request against a bare Flask + SQLAlchemy endpoint.

Both apps answer the same question on the same generated table (by default
200,000 notes spread over 1,000 users): one page of the caller's notes, 50
rows, as JSON through the same marshmallow schema. The kernel's path adds
session-cookie or bearer-token auth, the module gate, the permission check,
the record rule that limits a user to their own notes, and, on writes, the
created/updated-by stamps and the audit row. The bare app filters by owner
by hand and has no auth at all.

Target (issue 2, "Speed"): kernel time per request at most 1.3x the bare
app's. Both are driven in-process through Flask's test client (same
overheads on both sides); ``--http`` also runs both under gunicorn and
sends a bounded number of real HTTP requests over 127.0.0.1.

    .venv/bin/python bench/request_overhead.py --help
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import benchlib
from bench_plugin import BenchNoteSchema, PageArgs, page_query
from flask import Flask, jsonify, request
from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

TARGET = 1.3
PAGE = 50


# -- data ------------------------------------------------------------------------

def generate(kernel, users: int, notes: int, chunk: int = 10_000) -> list[int]:
    """Insert ``users`` note takers and ``notes`` notes dealt round-robin; return the user ids."""
    from huiwu_example.models import Note

    from core.security.models import Role, User, user_role
    from core.security.passwords import hash_password

    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    pw = hash_password("bench-user-pw")
    with kernel.engine.begin() as conn:
        role_id = conn.execute(select(Role.id).where(Role.name == "note_taker")).scalar_one()
        conn.execute(insert(User), [
            {"login": f"bench{i:05d}", "name": f"用户{i:05d}", "password_hash": pw, "active": True,
             "is_superuser": False, "is_portal": False, "locale": "en", **stamps} for i in range(users)])
        ids = list(conn.execute(select(User.id).where(User.login.like("bench%")).order_by(User.id)).scalars())
        conn.execute(insert(user_role), [{"user_id": u, "role_id": role_id} for u in ids])
    done = 0
    while done < notes:
        rows = [{"title": f"会议纪要 {n}", "body": "议程、场地、嘉宾与预算的跟进事项。" * 3,
                 "created_by_id": ids[n % len(ids)], "updated_by_id": ids[n % len(ids)], **stamps}
                for n in range(done, min(notes, done + chunk))]
        with kernel.engine.begin() as conn:
            conn.execute(insert(Note), rows)
        done += len(rows)
    with kernel.engine.begin() as conn:
        # A plugin whose record rule filters on a column should index it; the example does not.
        conn.execute(text("CREATE INDEX bench_ix_note_owner ON example_note (created_by_id, id)"))
        conn.execute(text("ANALYZE"))
    return ids


def issue_token(kernel, user_id: int) -> str:
    from core.security import tokens

    with kernel.system_session() as session:
        _token, raw = tokens.issue(session, user_id, "bench")
        session.commit()
    return raw


# -- the two apps ------------------------------------------------------------------

def bare_engine(url: str):
    """A plain engine, tuned as a careful bare app would be (same SQLite pragmas, default pool)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
    return engine


def bare_app(url: str, user_id: int) -> Flask:
    """Flask + SQLAlchemy + marshmallow, no auth, the owner filter written by hand.

    ``POST /notes-audited`` also writes, in the same transaction, the audit row the
    kernel writes for such an insert, by hand: what auditing costs an app without the kernel.
    """
    from huiwu_example.models import Note

    from core.audit.models import AuditLog

    engine = bare_engine(url)
    Session = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
    app = Flask("bare")
    page_args, one, many = PageArgs(), BenchNoteSchema(), BenchNoteSchema(many=True)

    @app.get("/notes")
    def list_notes():
        args = page_args.load(request.args)
        query = page_query(args["after"], args["limit"]).where(Note.created_by_id == user_id)
        return jsonify(many.dump(Session().execute(query).scalars().all()))

    @app.post("/notes")
    def create_note():
        data = one.load(request.get_json())
        session = Session()
        note = Note(**data, created_by_id=user_id, updated_by_id=user_id)
        session.add(note)
        session.commit()
        return jsonify(one.dump(note)), 201

    @app.post("/notes-audited")
    def create_audited_note():
        data = one.load(request.get_json())
        session = Session()
        note = Note(**data, created_by_id=user_id, updated_by_id=user_id)
        session.add(note)
        session.flush()
        changes = {"title": [None, note.title]} | ({"body": [None, note.body]} if note.body is not None else {})
        session.execute(insert(AuditLog), {
            "at": datetime.now(UTC), "user_id": user_id, "user_login": "bench", "action": "insert",
            "table_name": Note.__tablename__, "record_id": str(note.id), "changes": changes})
        session.commit()
        return jsonify(one.dump(note)), 201

    @app.teardown_appcontext
    def _remove(_exc):
        Session.remove()

    app.extensions["bench.engine"] = engine
    return app


def kernel_app(kernel):
    from core.app import create_app

    return create_app(kernel=kernel)


def cookie_client(app, user_id: int):
    """A client of a logged-in session, and the headers a browser would send with its requests:
    the session cookie, and for writes the session's CSRF token as the web client sends it.

    The cookie header is made once here and sent as it is: a test client that keeps a cookie jar
    rebuilds the header from the jar on every request, work on the client's side that no server
    sees and a browser does in C, which would be counted against the kernel here."""
    jar = app.test_client()
    with jar.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
        sess["locale"] = "en"
    csrf = jar.get("/api/v1/core/me").get_json()["csrf_token"]  # puts the token in the session
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = {"Cookie": f"{name}={jar.get_cookie(name).value}"}
    return app.test_client(use_cookies=False), cookie, cookie | {"X-CSRFToken": csrf}


# -- measuring -----------------------------------------------------------------------

class Variant:
    """One kind of request, timed in wall-clock and in this thread's CPU time.

    CPU time leaves out the moments another process had the CPU, so it stays
    steady on a busy machine; it also leaves out time spent waiting for a
    database server, which is why the verdict is on wall-clock time.
    """

    def __init__(self, name: str, call, status: int):
        self.name, self.call, self.status, self.times, self.cpu = name, call, status, [], []

    def run(self, count: int, start: int = 0, record: bool = True) -> None:
        for i in range(start, start + count):
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            response = self.call(i)
            elapsed, cpu = time.perf_counter_ns() - t0, time.thread_time_ns() - c0
            if response.status_code != self.status:
                raise SystemExit(f"{self.name}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
            if record:
                self.times.append(elapsed / 1000)
                self.cpu.append(cpu / 1000)


def pages_of(kernel, user_id: int) -> list[int]:
    """``after`` values that each give a full page of the user's notes."""
    from huiwu_example.models import Note

    with kernel.engine.connect() as conn:
        ids = list(conn.execute(select(Note.id).where(Note.created_by_id == user_id).order_by(Note.id)).scalars())
    afters = [0] + [ids[k - 1] for k in range(PAGE, len(ids) - PAGE + 1, PAGE)]
    if not afters or len(ids) < PAGE:
        raise SystemExit(f"user {user_id} has only {len(ids)} notes; generate more notes per user")
    return afters


def build_variants(kernel, kapp, bapp, user_id: int, token: str, afters: list[int]) -> dict[str, Variant]:
    (cookie, reading, writing), tok, bare = cookie_client(kapp, user_id), kapp.test_client(), bapp.test_client()
    bearer = {"Authorization": f"Bearer {token}"}

    def page(i):
        return afters[i % len(afters)]

    body = {"title": "签到台布置", "body": "两张长桌，四把椅子，易拉宝一个。"}
    return {v.name: v for v in [
        Variant("bare GET", lambda i: bare.get(f"/notes?limit={PAGE}&after={page(i)}"), 200),
        Variant("kernel GET cookie", lambda i: cookie.get(f"/api/v1/bench/notes?limit={PAGE}&after={page(i)}",
                                                          headers=reading), 200),
        Variant("kernel GET token", lambda i: tok.get(f"/api/v1/bench/notes?limit={PAGE}&after={page(i)}",
                                                      headers=bearer), 200),
        Variant("bare POST", lambda i: bare.post("/notes", json=body), 201),
        Variant("bare POST audited", lambda i: bare.post("/notes-audited", json=body), 201),
        Variant("kernel POST cookie", lambda i: cookie.post("/api/v1/bench/notes", json=body,
                                                                headers=writing), 201),
    ]}


def check_same_rows(variants: dict[str, Variant], afters: list[int]) -> None:
    for i in range(min(3, len(afters))):
        bare = variants["bare GET"].call(i).get_json()
        for name in ("kernel GET cookie", "kernel GET token"):
            got = variants[name].call(i).get_json()
            if got != bare:
                raise SystemExit(f"{name} does not return the bare app's rows (page {i})")
        if len(bare) != PAGE:
            raise SystemExit(f"page {i} has {len(bare)} rows, expected {PAGE}")


def measure(variants: dict[str, Variant], requests: int, rounds: int, warmup: int) -> None:
    """Interleave the variants in rounds so drift (caches, WAL growth) hits all alike."""
    per_round = max(1, requests // rounds)
    for v in variants.values():
        v.run(warmup, record=False)
    for r in range(rounds):
        for v in variants.values():
            v.run(per_round, start=r * per_round)


PAIRS = {"kernel GET cookie": "bare GET", "kernel GET token": "bare GET", "kernel POST cookie": "bare POST"}
#: Informative: the kernel's audited write against a bare one that writes the same audit row by hand.
AUDITED_PAIR = ("kernel POST cookie", "bare POST audited")


def results(variants: dict[str, Variant], backend: str) -> list[dict]:
    out = []
    for name, v in variants.items():
        s, cpu = benchlib.summary(v.times), benchlib.summary(v.cpu)
        base = variants.get(PAIRS.get(name))
        out.append({"db": backend, "variant": name, **s, "cpu": cpu["median"],
                    "ratio": s["median"] / benchlib.summary(base.times)["median"] if base else None,
                    "cpu_ratio": cpu["median"] / benchlib.summary(base.cpu)["median"] if base else None})
    return out


def audited_note(rows: list[dict]) -> str:
    """One line per database: the kernel's POST against the bare POST that also audits."""
    lines = []
    for backend in dict.fromkeys(r["db"] for r in rows):
        by_name = {r["variant"]: r for r in rows if r["db"] == backend}
        kernel, bare = (by_name.get(name) for name in AUDITED_PAIR)
        if kernel and bare:
            lines.append(f"{backend}: {AUDITED_PAIR[0]} against {AUDITED_PAIR[1]} (the same audit row written "
                         f"by hand): {kernel['median'] / bare['median']:.2f}× wall, "
                         f"{kernel['cpu'] / bare['cpu']:.2f}× CPU")
    return "\n".join(lines)


def print_results(rows: list[dict], title: str) -> None:
    def times(value):
        return "" if value is None else f"{value:.2f}×"

    print(f"\n{title}")
    print(benchlib.table(
        ["db", "variant", "median µs", "p95 µs", "n", "× bare", "target ≤1.3×", "CPU µs", "CPU × bare"],
        [[r["db"], r["variant"], r["median"], r["p95"], r["n"], times(r["ratio"]),
          "" if r["ratio"] is None else benchlib.verdict(r["ratio"], TARGET),
          "" if r.get("cpu") is None else r["cpu"], times(r.get("cpu_ratio"))] for r in rows]))
    print("× bare compares medians of wall-clock time; CPU is this process's CPU time (steady on a busy "
          "machine, but blind to time spent in a database server).")
    note = audited_note(rows)
    if note:
        print(note)


def profile(variant: Variant, count: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    variant.run(count, record=False)
    profiler.disable()
    print(f"\nprofile of {count} × {variant.name} (cumulative, top {top})")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


# -- over real HTTP (gunicorn) -----------------------------------------------------------

@contextmanager
def gunicorn(factory: str, port: int, env: dict):
    cmd = [sys.executable, "-m", "gunicorn", "--chdir", str(benchlib.BENCH_DIR), "-w", "1",
           "-b", f"127.0.0.1:{port}", "--log-level", "warning", factory]
    proc = subprocess.Popen(cmd, env={**os.environ, **env})
    try:
        _wait_for_port(port, proc)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait_for_port(port: int, proc, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not listen on {port} within {timeout} s")


def http_loop(port: int, path: str, headers: dict, count: int) -> list[float]:
    import http.client

    times = []
    for i in range(count):
        t0 = time.perf_counter_ns()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status} from {path}")
        times.append((time.perf_counter_ns() - t0) / 1000)
    return times


def run_http(kernel, kapp, url: str, instance, user_id: int, token: str, afters, count: int,
             backend: str) -> list[dict]:
    env = {"BENCH_DATABASE_URL": url, "BENCH_INSTANCE_PATH": str(instance), "BENCH_USER_ID": str(user_id)}
    cookie_value = kapp.session_interface.get_signing_serializer(kapp).dumps(
        {"_user_id": str(user_id), "_fresh": True, "locale": "en"})
    cookie_name = kapp.config["SESSION_COOKIE_NAME"]
    path = f"?limit={PAGE}&after={afters[0]}"
    rows = []
    with gunicorn("http_apps:bare()", 18731, env), gunicorn("http_apps:kernel()", 18732, env):
        loops = {
            "http bare GET": (18731, "/notes" + path, {}),
            "http kernel GET cookie": (18732, "/api/v1/bench/notes" + path,
                                       {"Cookie": f"{cookie_name}={cookie_value}"}),
            "http kernel GET token": (18732, "/api/v1/bench/notes" + path, {"Authorization": f"Bearer {token}"}),
        }
        times = {name: [] for name in loops}
        for name, (port, p, h) in loops.items():
            http_loop(port, p, h, 20)  # warm-up
        for _ in range(4):
            for name, (port, p, h) in loops.items():
                times[name] += http_loop(port, p, h, count // 4)
    base = benchlib.summary(times["http bare GET"])["median"]
    for name, t in times.items():
        s = benchlib.summary(t)
        rows.append({"db": backend, "variant": name, **s,
                     "ratio": None if name == "http bare GET" else s["median"] / base})
    return rows


# -- main ---------------------------------------------------------------------------------

def run_backend(backend: str, args) -> list[dict]:
    with benchlib.workdir() as work, benchlib.scratch_database(backend, work) as url:
        t0 = time.perf_counter()
        kernel = benchlib.make_kernel(url, work / "instance")
        ids = generate(kernel, args.users, args.notes)
        print(f"[{backend}] generated {args.users:,} users and {args.notes:,} notes "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        user_id = ids[len(ids) // 2]
        token = issue_token(kernel, user_id)
        afters = pages_of(kernel, user_id)
        kapp, bapp = kernel_app(kernel), bare_app(url, user_id)
        try:
            variants = build_variants(kernel, kapp, bapp, user_id, token, afters)
            check_same_rows(variants, afters)
            if args.profile:
                profile(variants[args.profile], args.requests, args.profile_top)
                return []
            measure(variants, args.requests, args.rounds, args.warmup)
            rows = results(variants, backend)
            if args.http:
                rows += run_http(kernel, kapp, url, work / "instance", user_id, token, afters,
                                 args.http_requests, backend)
            return rows
        finally:
            bapp.extensions["bench.engine"].dispose()
            kernel.dispose()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    benchlib.add_db_argument(p)
    p.add_argument("--users", type=int, default=1_000, help="note takers to generate")
    p.add_argument("--notes", type=int, default=200_000, help="notes to generate, dealt round-robin")
    p.add_argument("--requests", type=int, default=2_000, help="timed requests per variant")
    p.add_argument("--rounds", type=int, default=10, help="interleaved rounds the requests are split into")
    p.add_argument("--warmup", type=int, default=100, help="untimed requests per variant first")
    p.add_argument("--http", action="store_true", help="also run both apps under gunicorn over 127.0.0.1")
    p.add_argument("--http-requests", type=int, default=400, help="HTTP requests per variant with --http")
    p.add_argument("--profile", metavar="VARIANT", choices=("bare GET", "kernel GET cookie", "kernel GET token",
                                                            "bare POST", "bare POST audited", "kernel POST cookie"),
                   help="profile one variant with cProfile instead of timing")
    p.add_argument("--profile-top", type=int, default=40, help="lines of the profile to print")
    return p


def main(argv=None) -> list[dict]:
    args = parser().parse_args(argv)
    rows = []
    for backend in benchlib.backends(args.db):
        rows += run_backend(backend, args)
    if rows:
        print_results(rows, f"Kernel overhead per request ({PAGE}-row page; target ≤ {TARGET}× bare)")
    return rows


if __name__ == "__main__":
    main()
