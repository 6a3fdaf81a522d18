"""What the benchmarks share: a scratch database, a kernel on it, figures and tables.

A benchmark never touches a real instance: it creates a scratch SQLite file
or a scratch PostgreSQL database (when ``HUIWU_BENCH_DATABASE_URL`` names a
server) and removes it afterwards.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PG_ENV = "HUIWU_BENCH_DATABASE_URL"
ADMIN_PASSWORD = "bench-admin-pw"


# -- databases -----------------------------------------------------------------

@contextmanager
def scratch_database(backend: str, workdir: Path):
    """Yield the URL of an empty database on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        raise SystemExit(f"PostgreSQL asked for but {PG_ENV} is not set "
                         "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")
    url = make_url(base)
    name = f"huiwu_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backends(choice: str) -> list[str]:
    """``--db sqlite|postgresql|both``; "both" means PostgreSQL only when it is configured."""
    if choice == "both":
        return ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])
    return [choice]


def add_db_argument(parser) -> None:
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both",
                        help=f"database to run on; 'both' adds PostgreSQL when {PG_ENV} is set "
                             "(default: both)")


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="huiwu-bench-") as tmp:
        yield Path(tmp)


# -- kernels ---------------------------------------------------------------------

def settings_for(database_url: str, instance_path: Path):
    from core.config import Settings

    return Settings.from_env(instance_path=instance_path, database_url=database_url,
                             secret_key="bench-secret", data_key="bench-data-key",
                             redis_url="", smtp_host="")


def registry_with_bench_plugin():
    """The installed plugins plus ``bench``, the benchmarks' own plugin (bench_plugin.py)."""
    import bench_plugin

    from core.registry.discovery import Plugin, discover
    from core.registry.registry import Registry

    plugins = discover()
    plugins["bench"] = Plugin(name="bench", module=bench_plugin, manifest=bench_plugin.manifest,
                              distribution="bench")
    return Registry(plugins)


def make_kernel(database_url: str, instance_path: Path, enable=("example", "bench"), bench_plugin=True):
    """A kernel on an initialised database with ``enable`` switched on."""
    from core.bootstrap import initialise
    from core.kernel import Kernel
    from core.registry import switching

    registry = registry_with_bench_plugin() if bench_plugin else None
    kernel = Kernel(settings_for(database_url, instance_path), registry=registry)
    initialise(kernel, admin_password=ADMIN_PASSWORD)
    with kernel.system_session() as session:
        for name in enable:
            switching.enable(kernel, session, name, with_dependencies=True)
        session.commit()
    return kernel


# -- figures ---------------------------------------------------------------------

def percentile(values, q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values) -> dict:
    return {"median": statistics.median(values), "p95": percentile(values, 95),
            "mean": statistics.fmean(values), "n": len(values)}


def timed(func, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if n and _numeric(c) else c.ljust(w) for c, w in zip(row, widths)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def _numeric(text_: str) -> bool:
    return text_.replace(",", "").replace(".", "").replace("-", "").replace("×", "").isdigit()


def verdict(value: float, limit: float) -> str:
    return "ok" if value <= limit else "MISSED"


# -- CPU of other processes (Linux) ------------------------------------------------

def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds each process has used so far, from ``/proc``; a process that is gone
    (or a system without ``/proc``) is left out."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14, 15 of stat)
    return found


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a gunicorn master's workers), from ``/proc``."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two ``cpu_seconds`` readings (a process born in between counts whole)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())
