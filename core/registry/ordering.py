"""Dependency order of plugins; a cycle or a missing dependency names its culprits."""
from __future__ import annotations


def order_by_dependencies(depends: dict[str, tuple[str, ...]]) -> tuple[list[str], dict[str, str]]:
    """Return (names in an order where dependencies come first, {name: reason refused}).

    Ties are broken by name so the order is the same in every process.
    A plugin is refused if a dependency is missing, refused itself, or part
    of a cycle.
    """
    refused: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, deps in sorted(depends.items()):
            if name in refused:
                continue
            for dep in deps:
                if dep not in depends:
                    refused[name] = f"depends on {dep!r}, which is not installed"
                elif dep in refused:
                    refused[name] = f"depends on {dep!r}, which cannot be loaded"
                else:
                    continue
                changed = True
                break

    remaining = {n: set(d) for n, d in depends.items() if n not in refused}
    ordered: list[str] = []
    while remaining:
        ready = sorted(n for n, deps in remaining.items() if not deps & remaining.keys())
        if not ready:
            cycle = " -> ".join(_find_cycle(remaining))
            for name in remaining:
                refused[name] = f"dependency cycle: {cycle}"
            break
        for name in ready:
            ordered.append(name)
            del remaining[name]
    return ordered, refused


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    start = min(graph)
    path, seen = [start], {start}
    node = start
    while True:
        node = min(d for d in graph[node] if d in graph)
        if node in seen:
            return path[path.index(node):] + [node]
        path.append(node)
        seen.add(node)


def dependants_of(name: str, depends: dict[str, tuple[str, ...]]) -> set[str]:
    """Every plugin that needs ``name``, directly or through others."""
    found: set[str] = set()
    frontier = [name]
    while frontier:
        current = frontier.pop()
        for other, deps in depends.items():
            if current in deps and other not in found:
                found.add(other)
                frontier.append(other)
    return found


def dependencies_of(name: str, depends: dict[str, tuple[str, ...]]) -> set[str]:
    """Every plugin ``name`` needs, directly or through others."""
    found: set[str] = set()
    frontier = [name]
    while frontier:
        for dep in depends.get(frontier.pop(), ()):
            if dep not in found:
                found.add(dep)
                frontier.append(dep)
    return found
