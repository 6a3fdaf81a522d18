"""Projects at scale on PostgreSQL: 50,000 projects and 500,000+ tasks, and 1/50 of that.

    .venv/bin/python bench/project_bench.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--projects 50000] [--customers N] [--sizes small|large|both]

``HUIWU_BENCH_DATABASE_URL`` (or ``--database-url``) names the server; two
scratch databases are made there (the large demo and 1/50 of it) and dropped
afterwards. The CRM's large demo (100,000 customers) is slow to load and does
not change what is measured: ``--customers`` shrinks it (default: one customer
per ten projects; 0 keeps the CRM's own 100,000). Through the whole application (Flask test client, logged in), as
a project manager without ``read_all`` (record rules on) and as an executive:

* the admin project list and the API list, sorted by start date, first page;
* the same filtered: name prefix + status.

And the progress report (page with its Gantt chart, and the PDF) of a
300-task project, as its manager. Targets: lists at most 100 ms and at most
2x the time at 1/50 of the data; the report at most 300 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.app import create_app
from core.bootstrap import initialise, load_demo
from core.db.types import utcnow
from core.kernel import Kernel
from core.security.models import Role, User
from core.security.passwords import hash_password
from core.testing import ApiCsrfClient, login_client, make_settings
from plugins.crm import demo as crm_demo
from plugins.crm.models import Customer
from plugins.project import demo
from plugins.project.models import Project, Task
from plugins.project.operations import projects

PREFIX, STATUS = "华", "completed"
LISTS = {
    "admin list, by start": "/admin/project_projects/",
    "admin search+status": f"/admin/project_projects/?search={PREFIX}&flt0_0={STATUS}",
    "API list, by start": "/api/v1/project/projects?page=1&page_size=25",
    "API search+status": f"/api/v1/project/projects?q={PREFIX}&status={STATUS}&page=1&page_size=25",
}


def scratch_database(base_url: str, tag: str) -> tuple[str, callable]:
    url = make_url(base_url)
    name = f"huiwu_bench_project_{tag}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def timed_ms(call, repeat: int = 15) -> float:
    """Median milliseconds over ``repeat`` calls, after two warm-ups; each call must answer 200."""
    for _ in range(2):
        status = call()
        assert status == 200, status
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def progress(done, total, label):
    print(f"\r  {label}: {done}/{total}", end="" if done < total else "\n", flush=True)


def executive(kernel) -> int:
    with kernel.system_session() as s:
        user = User(login="bench_exec", name="陈总", password_hash=hash_password("bench-pw"),
                    roles=list(s.scalars(select(Role).where(Role.name == "executive"))))
        s.add(user)
        s.commit()
        return user.id


def big_project(kernel, manager_id: int, tasks: int = 300) -> int:
    """A project of ``tasks`` tasks (the report's worst realistic case), managed by ``manager_id``."""
    with kernel.system_session() as s:
        customer = s.scalar(select(Customer.id).order_by(Customer.id).limit(1))
        start = utcnow() + timedelta(days=20)
        project = projects.create_project(s, {
            "name": "华信医药2027年第十二届全国学术年会", "customer_id": customer, "manager_id": manager_id,
            "start_at": start, "end_at": start + timedelta(days=3), "city": "上海", "venue": "上海国际会议中心",
            "attendance": 3000, "requirements": [{"category": c} for c in ("venue", "av", "catering")]})
        project.status = "in_preparation"
        now = utcnow()
        s.execute(insert(Task.__table__), [
            {"project_id": project.id, "title": f"分会场 {n // 10 + 1} 任务 {n % 10 + 1}", "category": "venue",
             "status": ("done", "in_progress", "todo")[n % 3], "progress": (100, 50, 0)[n % 3],
             "planned_hours": Decimal(4 + n % 8), "start_at": start - timedelta(days=40 - n % 35),
             "due_at": start - timedelta(days=35 - n % 35), "assignee_id": manager_id,
             "created_at": now, "updated_at": now, "version": 1} for n in range(tasks)])
        s.commit()
        return project.id


def measure(url: str, instance: Path, size: int, results: dict, customers: int) -> None:
    demo.LARGE_PROJECTS = size
    if customers:
        crm_demo.SCALES["large"] = (customers, crm_demo.SCALES["large"][1])
    kernel = Kernel(make_settings(url, instance))
    try:
        initialise(kernel, admin_password="bench-admin-pw")
        start = time.perf_counter()
        load_demo(kernel, "large", progress=progress)
        loaded = time.perf_counter() - start
        # What autovacuum does after a bulk load: statistics, and the visibility map
        # that lets the record rules' subqueries be index-only scans.
        with kernel.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        with kernel.system_session() as s:
            counts = (s.scalar(select(func.count()).select_from(Project)),
                      s.scalar(select(func.count()).select_from(Task)))
            pm = s.scalar(select(User.id).where(User.login == "zhangwei"))
            mine = s.scalar(select(func.count()).select_from(Project).where(Project.manager_id == pm))
        print(f"{counts[0]:,} projects, {counts[1]:,} tasks loaded in {loaded:.1f} s "
              f"(the PM manages {mine:,})")
        app = create_app(kernel=kernel)
        app.test_client_class = ApiCsrfClient
        clients = {"PM": login_client(app.test_client(), pm), "executive": login_client(app.test_client(), executive(kernel))}
        for who, client in clients.items():
            for label, path in LISTS.items():
                ms = timed_ms(lambda c=client, p=path: c.get(p).status_code)
                results[(size, who, label)] = ms
                print(f"  {who:<10} {label:<22} median {ms:7.1f} ms")
        if size == max(results["sizes"]):
            project_id = big_project(kernel, pm)
            for label, path in (("report page", f"/admin/project_reports/{project_id}"),
                                ("report PDF", f"/admin/project_reports/{project_id}.pdf")):
                ms = timed_ms(lambda p=path: clients["PM"].get(p).status_code, 10)
                print(f"  PM         {label} (300 tasks)  median {ms:7.1f} ms  (target 300 ms)")
    finally:
        kernel.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "HUIWU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=None,
                        help="CRM customers to load (default: projects / 10; 0: the CRM's large demo)")
    parser.add_argument("--sizes", choices=("small", "large", "both"), default="both",
                        help="measure 1/50 of the data, all of it, or both (the ratio needs both)")
    args = parser.parse_args()
    sizes = {"small": [args.projects // 50], "large": [args.projects],
             "both": [args.projects // 50, args.projects]}[args.sizes]
    results: dict = {"sizes": sizes}
    for size in sizes:
        customers = max(size // 10, 50) if args.customers is None else args.customers
        url, drop = scratch_database(args.database_url, str(size))
        try:
            print(f"--- {size:,} projects")
            measure(url, Path(tempfile.mkdtemp(prefix="huiwu-bench-")), size, results, customers)
        finally:
            drop()
    if len(sizes) < 2:
        return
    print("--- ratio full / (1/50)")
    for who in ("PM", "executive"):
        for label in LISTS:
            big, small = results[(sizes[1], who, label)], results[(sizes[0], who, label)]
            verdict = "ok" if big <= 100 and big <= 2 * small else "MISSED"
            print(f"  {who:<10} {label:<22} {big:7.1f} ms / {small:7.1f} ms = {big / small:4.2f}x  {verdict}")


if __name__ == "__main__":
    main()
