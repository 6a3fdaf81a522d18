"""Finding plugins through the ``huiwu.plugins`` entry points.

A plugin that fails to import or carries a bad manifest is recorded with the
reason and left out; the rest of the system starts.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from core.registry.manifest import Manifest

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "huiwu.plugins"


@dataclass
class Plugin:
    #: The entry point's name, which must equal the manifest's.
    name: str
    module: Any = None
    manifest: Manifest | None = None
    #: The distribution (pip package) that brought it, when known.
    distribution: str | None = None
    #: Why it cannot be used; None for a healthy plugin.
    error: str | None = None
    #: What it answered to the start-up hooks, per hook name.
    contributions: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def path(self) -> Path | None:
        file = getattr(self.module, "__file__", None)
        return Path(file).parent if file else None

    @property
    def depends(self) -> tuple[str, ...]:
        return tuple(self.manifest.depends) if self.manifest else ()


def load_plugin(name: str, load: Callable[[], ModuleType], source: str = "",
                distribution: str | None = None) -> Plugin:
    """Import one plugin and check its manifest; never raises, records the error instead."""
    plugin = Plugin(name=name, distribution=distribution)
    try:
        plugin.module = load()
        manifest = getattr(plugin.module, "manifest", None)
        if not isinstance(manifest, Manifest):
            raise TypeError(f"{source or plugin.module.__name__} has no `manifest` of type core.Manifest")
        manifest.validate()
        if manifest.name != name:
            raise ValueError(f"entry point {name!r} loads a manifest named {manifest.name!r}")
        plugin.manifest = manifest
    except Exception as exc:  # noqa: BLE001 - a broken third-party plugin must not stop the system
        plugin.error = f"{type(exc).__name__}: {exc}"
        log.error("plugin %s cannot be loaded: %s", name, plugin.error)
    return plugin


def discover(group: str = ENTRY_POINT_GROUP) -> dict[str, Plugin]:
    """Every plugin an installed distribution announces, by name (broken ones included)."""
    found: dict[str, Plugin] = {}
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        if ep.name in found:
            found[ep.name].error = (f"two distributions announce a plugin named {ep.name!r}: "
                                    f"{found[ep.name].distribution} and {dist.name if dist else '?'}")
            continue
        found[ep.name] = load_plugin(ep.name, ep.load, ep.value, dist.name if dist else None)
    return found


def plugins_from(modules: Iterable[ModuleType | str]) -> dict[str, Plugin]:
    """Plugins from modules or dotted module names, as if announced by entry points.

    For tests and tools that want a registry without installed distributions;
    the plugin is named after its manifest (or its module when it has none).
    """
    found: dict[str, Plugin] = {}
    for item in modules:
        dotted = item if isinstance(item, str) else item.__name__
        load = (lambda d=dotted: importlib.import_module(d)) if isinstance(item, str) else (lambda m=item: m)
        try:
            name = load().manifest.name
        except Exception:  # noqa: BLE001 - load_plugin below records why
            name = dotted.rsplit(".", 1)[-1]
        found[name] = load_plugin(name, load, dotted)
    return found
