"""What a plugin says about itself, legible at a glance."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Manifest:
    #: Short technical name; also the prefix of the plugin's tables and permissions.
    name: str
    version: str
    #: Human title per locale, e.g. ``{"zh_Hans": "客户关系", "en": "Customers"}``.
    title: dict
    description: dict = field(default_factory=dict)
    #: Names of plugins that must be enabled before this one.
    depends: tuple[str, ...] = ()
    #: An application shows in the module list as a business area; a helper supports others.
    application: bool = True
    #: Enabled by ``huiwu init`` without being asked.
    auto_enable: bool = False

    def validate(self) -> None:
        if not NAME_RE.match(self.name or ""):
            raise ManifestError(f"plugin name {self.name!r} must match {NAME_RE.pattern}")
        if self.name == "core":
            raise ManifestError("plugin name 'core' is reserved for the kernel")
        for locale in ("zh_Hans", "en"):
            if not self.title.get(locale):
                raise ManifestError(f"plugin {self.name!r}: title in {locale} missing")
        if self.name in self.depends:
            raise ManifestError(f"plugin {self.name!r} depends on itself")

    def title_for(self, locale: str) -> str:
        return self.title.get(locale) or self.title.get("en") or self.name

    def description_for(self, locale: str) -> str:
        return self.description.get(locale) or self.description.get("en") or ""
