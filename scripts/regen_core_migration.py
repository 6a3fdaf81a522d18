"""Rewrite the kernel's first migration from the models (until the first release).

Until Huiwu ships, the kernel keeps its tables in one revision, ``core_0001``,
so that plugins' first revisions can depend on a stable id. Run after changing
a kernel table: ``python scripts/regen_core_migration.py``. Later revisions
hold what autogenerate cannot see (triggers) and are kept.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from core.config import Settings
from core.db import migrate
from core.kernel import Kernel
from core.registry.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "core" / "migrations" / "versions"

for old in VERSIONS.glob("core_0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    # The later revisions step aside while core_0001 is written: they name it as their parent.
    later = {path: Path(tmp) / path.name for path in VERSIONS.glob("core_*.py")}
    for path, aside in later.items():
        path.rename(aside)
    try:
        kernel = Kernel(Settings.from_env(instance_path=Path(tmp), database_url=f"sqlite:///{tmp}/gen.sqlite3"),
                        registry=Registry(plugins={}))
        migrate.revision(kernel.engine, kernel.registry, "core", "kernel tables", rev_id="core_0001")
        kernel.dispose()
    finally:
        for path, aside in later.items():
            aside.rename(path)
print("wrote", next(VERSIONS.glob("core_0001_*.py")).name)
