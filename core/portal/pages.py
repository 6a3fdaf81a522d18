"""What a plugin hands the portal: a blueprint and its menu entry."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortalPage:
    blueprint: object
    #: Endpoint of the menu entry, e.g. ``"crm_portal.meetings"``.
    endpoint: str
    #: Lazy-translated menu label.
    title: object
    order: int = 100
