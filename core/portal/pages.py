"""What a plugin hands the portal: a blueprint and its menu entry."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortalPage:
    #: A Flask blueprint; mounted at ``/portal/<url_prefix or name>``.
    blueprint: object
    #: Endpoint of the menu entry, e.g. ``"crm_portal.meetings"``.
    endpoint: str
    #: Menu label: lazy-translated, or ``{"zh_Hans": ..., "en": ...}`` like a manifest's title.
    title: object
    order: int = 100
    #: Shown in the menu only to holders of this permission (the page itself must still check).
    permission: str | None = None

    def title_for(self, locale: str) -> str:
        if isinstance(self.title, dict):
            return self.title.get(locale) or self.title.get("en") or self.endpoint
        return str(self.title)
