"""The kernel's own admin pages: people, roles, modules, logs, delivery."""
from __future__ import annotations


def kernel_views(session) -> list:
    """Every kernel admin page; each lives in a module of its own."""
    return []
