"""The install step: nothing to seed.

The settings work from their declared defaults until an administrator
changes them, the number sequences start on first use, and the catalogue is
the agency's own (demo data fills one for trying things out).
"""
from __future__ import annotations


def install(session) -> None:
    """Called once, the first time the plugin is enabled; deliberately empty (see the module docstring)."""
