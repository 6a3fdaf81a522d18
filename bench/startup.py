"""Start-up of the app with every installed plugin (built-in ones and the example).

Cold: a new Python process imports the kernel, builds the ``Kernel`` and
``create_app()`` on an initialised database, N times; the process's whole
wall time (interpreter start included) and the phases it reports are shown.
Warm: the same process builds ``Kernel`` + ``create_app()`` again, N times,
with every module already imported (what a test run or a reload pays).

    .venv/bin/python bench/startup.py --help
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import benchlib

#: Run in the child process: phases in seconds, as one JSON line.
CHILD = r"""
import json, time
t0 = time.perf_counter()
from core.app import create_app
from core.kernel import Kernel
t1 = time.perf_counter()
kernel = Kernel()
t2 = time.perf_counter()
app = create_app(kernel=kernel)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "kernel": t2 - t1, "app": t3 - t2,
                  "plugins": [p.name for p in kernel.registry.loaded],
                  "rules": len(app.url_map._rules)}))
"""


def cold(url: str, instance, runs: int) -> tuple[list[dict], list[float]]:
    env = {**os.environ, "HUIWU_DATABASE_URL": url, "HUIWU_INSTANCE_PATH": str(instance),
           "HUIWU_SECRET_KEY": "bench-secret", "HUIWU_DATA_KEY": "bench-data-key",
           "HUIWU_REDIS_URL": "", "PYTHONDONTWRITEBYTECODE": "0"}
    phases, walls = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=benchlib.ROOT,
                             capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t0)
        if out.returncode != 0:
            raise SystemExit(f"the child process failed:\n{out.stderr[-2000:]}")
        phases.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return phases, walls


def warm(url: str, instance, runs: int) -> list[float]:
    from core.app import create_app
    from core.kernel import Kernel

    settings = benchlib.settings_for(url, instance)
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        kernel = Kernel(settings)
        create_app(kernel=kernel)
        times.append(time.perf_counter() - t0)
        kernel.dispose()
    return times[1:]  # the first one still imports


def run_backend(backend: str, args) -> list[dict]:
    with benchlib.workdir() as work, benchlib.scratch_database(backend, work) as url:
        instance = work / "instance"
        kernel = benchlib.make_kernel(url, instance, enable=("example",), bench_plugin=False)
        kernel.dispose()
        phases, walls = cold(url, instance, args.runs)
        warm_times = warm(url, instance, args.runs)
    ms = lambda values: benchlib.summary([v * 1000 for v in values])
    print(f"[{backend}] plugins loaded: {', '.join(phases[0]['plugins']) or '(none)'}; "
          f"{phases[0]['rules']} URL rules", flush=True)
    return [
        {"db": backend, "what": "cold: new process, wall", **ms(walls)},
        {"db": backend, "what": "cold: imports", **ms([p["import"] for p in phases])},
        {"db": backend, "what": "cold: Kernel()", **ms([p["kernel"] for p in phases])},
        {"db": backend, "what": "cold: create_app()", **ms([p["app"] for p in phases])},
        {"db": backend, "what": "warm: Kernel() + create_app()", **ms(warm_times)},
    ]


def print_results(rows: list[dict]) -> None:
    print("\nStart-up (ms)")
    print(benchlib.table(["db", "what", "median ms", "p95 ms", "n"],
                         [[r["db"], r["what"], r["median"], r["p95"], r["n"]] for r in rows]))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    benchlib.add_db_argument(p)
    p.add_argument("--runs", type=int, default=10, help="cold processes and warm builds each")
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
