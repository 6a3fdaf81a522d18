"""The kernel's own admin pages: people, roles, modules, logs, delivery, services.

Each group lives in a module of its own exposing ``views(session) -> list``.
"""
from __future__ import annotations

from core.admin import views_audit, views_delivery, views_modules, views_people, views_services


def kernel_views(session) -> list:
    views = []
    for module in (views_people, views_modules, views_audit, views_delivery, views_services):
        views += module.views(session)
    return views
