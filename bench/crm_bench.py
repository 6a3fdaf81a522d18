"""CRM at scale on PostgreSQL: 100,000 customers and 300,000 contacts.

    .venv/bin/python bench/crm_bench.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Makes a scratch database, loads the large demo (timed), then measures, as
an account manager (record rules on) and as someone who sees everyone:

* name-prefix search (first page of 50, ``lower(name) LIKE 'prefix%'``);
* exact phone lookup through the blind index;
* recomputing the RFM segments of every customer.

Targets: each search at most 50 ms, the recomputation at most 5 s.
Prints figures; ``--keep`` leaves the database for a look afterwards.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.bootstrap import initialise, load_demo
from core.kernel import Kernel
from core.security.models import User
from core.security.principal import act_as, load_principal
from core.testing import make_settings
from plugins.crm.models import Contact, Customer
from plugins.crm.operations import customers as ops
from plugins.crm.operations import rfm

PREFIXES = ["北京华", "上海", "深圳恒宇", "杭州", "成都天成", "南京", "xyz"]


def scratch_database(base_url: str) -> tuple[str, callable]:
    url = make_url(base_url)
    name = f"huiwu_bench_crm_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url.set(database=name).render_as_string(hide_password=False), drop


def timed_ms(func_, repeat: int) -> tuple[float, float]:
    """(median, worst) milliseconds over ``repeat`` calls, after one warm-up."""
    func_()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func_()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def progress(done, total, label):
    print(f"\r  {label}: {done}/{total}", end="" if done < total else "\n", flush=True)


def searches(kernel, who: str, principal_user_id: int | None, phones: list[str]) -> None:
    with kernel.system_session() as s:
        if principal_user_id is not None:
            act_as(s, load_principal(s, principal_user_id))
        for prefix in PREFIXES:
            med, worst = timed_ms(lambda p=prefix: ops.search_customers(s, p, limit=50), 20)
            hits = len(ops.search_customers(s, prefix, limit=50))
            print(f"  {who:<16} prefix {prefix!r:<12} {hits:>3} hits  median {med:6.2f} ms  worst {worst:6.2f} ms")
        cycle = iter(phones * 3)
        med, worst = timed_ms(lambda: ops.contacts_by_mobile(s, next(cycle)), 40)
        print(f"  {who:<16} phone lookup              median {med:6.2f} ms  worst {worst:6.2f} ms")
        s.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--existing", metavar="URL", help="measure a database a --keep run left")
    args = parser.parse_args()
    url, drop = (args.existing, lambda: None) if args.existing else scratch_database(args.database_url)
    instance = Path(tempfile.mkdtemp(prefix="huiwu-bench-"))
    kernel = Kernel(make_settings(url, instance))
    try:
        if not args.existing:
            initialise(kernel, admin_password="bench-admin-pw")
            start = time.perf_counter()
            load_demo(kernel, "large", progress=progress)
            print(f"large demo loaded in {time.perf_counter() - start:.1f} s")
        with kernel.system_session() as s:
            s.execute(text("ANALYZE"))
            s.commit()
            counts = (s.scalar(select(func.count()).select_from(Customer)),
                      s.scalar(select(func.count()).select_from(Contact)))
            print(f"customers {counts[0]:,}  contacts {counts[1]:,}")
            sample = s.scalars(select(Contact).order_by(func.random()).limit(20)).all()
            phones = [c.mobile for c in sample]
            manager_id = s.scalar(select(User.id).where(User.login == "wuli"))
        searches(kernel, "all customers", None, phones)
        searches(kernel, "account manager", manager_id, phones)
        timings = []
        for _ in range(3):
            with kernel.system_session() as s:
                start = time.perf_counter()
                run = rfm.recompute(s)
                s.commit()
                timings.append(time.perf_counter() - start)
        print(f"RFM recompute of {run.scored:,} scored customers: "
              f"{', '.join(f'{t:.2f} s' for t in timings)} (moved on last run: {run.moved})")
    finally:
        kernel.dispose()
        if args.keep or args.existing:
            print(f"kept {url}")
        else:
            drop()


if __name__ == "__main__":
    random.seed(1)
    main()
