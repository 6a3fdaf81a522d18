"""One Alembic branch per plugin, labelled with the plugin's name.

The kernel's branch is ``core``; a plugin keeps its revisions in
``<package>/migrations/versions`` and its first revision carries
``branch_labels = ("<plugin>",)`` and ``depends_on`` the heads it needs.
Enabling a plugin upgrades its branch only.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.db.base import metadata

HERE = Path(__file__).parent
CORE_VERSIONS = HERE.parent / "migrations" / "versions"


def version_dirs(registry) -> dict[str, Path]:
    dirs = {"core": CORE_VERSIONS}
    for plugin in registry.loaded:
        path = plugin.path / "migrations" / "versions" if plugin.path else None
        if path and path.is_dir():
            dirs[plugin.name] = path
    return dirs


def _config(registry, connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "alembic"))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in version_dirs(registry).values()))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["connection"] = connection
    cfg.attributes["metadata"] = metadata
    return cfg


def upgrade(engine, registry, branch: str = "heads") -> None:
    """Upgrade ``branch`` (a plugin name, ``core``, or ``heads`` for everything enabled-able)."""
    target = "heads" if branch == "heads" else f"{branch}@head"
    if branch != "heads" and branch not in version_dirs(registry):
        return  # a plugin without tables
    with engine.begin() as conn:
        command.upgrade(_config(registry, conn), target)


def upgrade_on(connection, registry, branch: str) -> None:
    """Upgrade inside a transaction the caller holds (enabling a plugin is all-or-nothing)."""
    if branch not in version_dirs(registry):
        return
    command.upgrade(_config(registry, connection), f"{branch}@head")


def current_heads(engine, registry) -> set[str]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "core_alembic_version"})
        return set(ctx.get_current_heads())


def describe(engine, registry) -> list[tuple[str, str | None, str | None]]:
    """(branch, revision applied, head available) per branch."""
    script = ScriptDirectory.from_config(_config(registry))
    applied = current_heads(engine, registry)
    reached = {r.revision for r in script.revision_map.iterate_revisions(tuple(applied), "base")} if applied else set()
    rows = []
    for branch in version_dirs(registry):
        head = script.get_revision(f"{branch}@head").revision
        mine = [r.revision for r in script.revision_map.iterate_revisions(head, "base")
                if r.revision in reached and branch in _branches_of(script, r.revision)]
        rows.append((branch, mine[0] if mine else None, head))
    return rows


def revision(engine, registry, branch: str, message: str, tables_prefix: str | None = None,
             rev_id: str | None = None) -> None:
    """Autogenerate a revision for ``branch`` from the difference between models and database."""
    dirs = version_dirs(registry)
    prefix = tables_prefix or ("core_" if branch == "core" else f"{branch}_")
    with engine.begin() as conn:
        cfg = _config(registry, conn)
        cfg.attributes["table_prefixes"] = [prefix]
        script = ScriptDirectory.from_config(cfg)
        try:
            script.get_revision(f"{branch}@head")
            kwargs = {"head": f"{branch}@head"}
        except Exception:  # noqa: BLE001 - alembic says "no such branch" in several ways
            kwargs = {"head": "base", "branch_label": branch,
                      "depends_on": _first_depends_on(script, registry, branch, dirs)}
        version_path = dirs.get(branch)
        if version_path is None:
            plugin = next(p for p in registry.loaded if p.name == branch)
            version_path = plugin.path / "migrations" / "versions"
            version_path.mkdir(parents=True, exist_ok=True)
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id,
                         version_path=str(version_path), **kwargs)


def _first_depends_on(script, registry, branch, dirs):
    """A plugin's first revision needs the kernel's and its dependencies' tables."""
    if branch == "core":
        return None
    plugin = next(p for p in registry.loaded if p.name == branch)
    needed = ["core"] + [d for d in plugin.depends if d in dirs]
    return [script.get_revision(f"{b}@head").revision for b in needed]


def downgrade_branch(connection, registry, branch: str) -> None:
    """Run ``branch``'s downgrades to base (drops its tables), leaving other branches applied."""
    if branch in version_dirs(registry):
        command.downgrade(_config(registry, connection), f"{branch}@base")


def _branches_of(script, rev_id) -> set[str]:
    """Branch labels of ``rev_id`` and of the revisions below it on its own line."""
    rev = script.get_revision(rev_id)
    labels: set[str] = set()
    while rev is not None:
        labels |= set(rev.branch_labels or ())
        rev = script.get_revision(rev.down_revision) if rev.down_revision else None
    return labels
