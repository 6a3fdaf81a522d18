"""App factories gunicorn loads for ``request_overhead.py --http``.

They read the scratch database and the caller's user from ``BENCH_*``
variables the benchmark sets; they are of no use on their own.
"""
from __future__ import annotations

import os
from pathlib import Path


def kernel():
    import benchlib

    from core.app import create_app
    from core.kernel import Kernel

    settings = benchlib.settings_for(os.environ["BENCH_DATABASE_URL"], Path(os.environ["BENCH_INSTANCE_PATH"]))
    return create_app(kernel=Kernel(settings, registry=benchlib.registry_with_bench_plugin()))


def bare():
    from request_overhead import bare_app

    return bare_app(os.environ["BENCH_DATABASE_URL"], int(os.environ["BENCH_USER_ID"]))
