"""Finding plugins through the ``huiwu.plugins`` entry points.

A plugin that fails to import or carries a bad manifest is recorded with the
reason and left out; the rest of the system starts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from core.registry.manifest import Manifest

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "huiwu.plugins"


@dataclass
class Plugin:
    name: str
    module: Any = None
    manifest: Manifest | None = None
    distribution: str | None = None
    error: str | None = None
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


def discover(group: str = ENTRY_POINT_GROUP) -> dict[str, Plugin]:
    found: dict[str, Plugin] = {}
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        plugin = Plugin(name=ep.name, distribution=dist.name if dist else None)
        found[ep.name] = plugin
        try:
            plugin.module = ep.load()
            manifest = getattr(plugin.module, "manifest", None)
            if not isinstance(manifest, Manifest):
                raise TypeError(f"{ep.value} has no `manifest` of type core.Manifest")
            manifest.validate()
            if manifest.name != ep.name:
                raise ValueError(
                    f"entry point {ep.name!r} loads a manifest named {manifest.name!r}"
                )
            plugin.manifest = manifest
        except Exception as exc:  # a broken third-party plugin must not stop the system
            plugin.error = f"{type(exc).__name__}: {exc}"
            log.error("plugin %s cannot be loaded: %s", ep.name, plugin.error)
    return found
