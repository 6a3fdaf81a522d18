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
    """Branch name -> folder of its revisions, for the kernel and every plugin that has some."""
    dirs = {"core": CORE_VERSIONS}
    for plugin in registry.loaded:
        path = plugin.path / "migrations" / "versions" if plugin.path else None
        if path and path.is_dir() and any(path.glob("*.py")):
            dirs[plugin.name] = path
    return dirs


def _config(registry, connection=None, only: set[str] | None = None, extra: Path | None = None) -> Config:
    dirs = [p for b, p in version_dirs(registry).items() if only is None or b in only]
    if extra is not None and extra not in dirs:
        dirs.append(extra)
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "alembic"))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in dirs))
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
    reached = _ancestors(script, applied)
    rows = []
    for branch in version_dirs(registry):
        head = script.get_revision(f"{branch}@head").revision
        mine = [r.revision for r in script.revision_map.iterate_revisions(head, "base")
                if r.revision in reached and branch in _branches_of(script, r.revision)]
        rows.append((branch, mine[0] if mine else None, head))
    return rows


def _ancestors(script, heads) -> set[str]:
    """Every revision at or below ``heads``, following ``depends_on`` too."""
    seen: set[str] = set()
    frontier = list(heads)
    while frontier:
        rev = script.get_revision(frontier.pop())
        if rev is None or rev.revision in seen:
            continue
        seen.add(rev.revision)
        for below in (rev.down_revision, rev.dependencies):
            if below:
                frontier += [below] if isinstance(below, str) else list(below)
    return seen


def revision(engine, registry, branch: str, message: str, tables_prefix: str | None = None,
             rev_id: str | None = None) -> None:
    """Autogenerate a revision for ``branch`` from the difference between models and database.

    Only the branches that matter take part: the kernel, ``branch``, what it
    depends on, and what the database has applied (those must be at their
    head). A plugin's first revision gets its branch label and ``depends_on``.
    """
    dirs = version_dirs(registry)
    plugin = None if branch == "core" else next((p for p in registry.loaded if p.name == branch), None)
    if branch != "core" and plugin is None:
        raise ValueError(f"there is no loaded plugin named {branch!r}")
    prefix = tables_prefix or ("core_" if branch == "core" else f"{branch}_")
    version_path = dirs.get(branch) or plugin.path / "migrations" / "versions"
    version_path.mkdir(parents=True, exist_ok=True)
    needed = {"core", branch} | (registry.dependencies(branch) if plugin else set())
    with engine.begin() as conn:
        needed |= _applied_branches(conn, registry)
        cfg = _config(registry, conn, only=needed, extra=version_path)
        cfg.attributes["table_prefixes"] = [prefix]
        script = ScriptDirectory.from_config(cfg)
        if branch in dirs and any(dirs[branch].glob("*.py")):
            kwargs = {"head": f"{branch}@head"}
        else:
            kwargs = {"head": "base", "branch_label": branch,
                      "depends_on": _first_depends_on(script, registry, branch, dirs)}
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id,
                         version_path=str(version_path), **kwargs)


def _applied_branches(connection, registry) -> set[str]:
    ctx = MigrationContext.configure(connection, opts={"version_table": "core_alembic_version"})
    heads = ctx.get_current_heads()
    if not heads:
        return set()
    script = ScriptDirectory.from_config(_config(registry))
    found = set()
    for rev in heads:
        found |= _branches_of(script, rev)
    return found


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
    labels: set[str] = set()
    todo = [rev_id]
    while todo:
        rev = script.get_revision(todo.pop())
        labels |= set(rev.branch_labels or ())
        down = rev.down_revision
        todo += list(down) if isinstance(down, tuple) else [down] if down else []
    return labels
