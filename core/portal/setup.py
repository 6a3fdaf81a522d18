"""Mounting the portal under /portal."""
from __future__ import annotations


def init_portal(app, kernel, owners) -> None:
    pass
