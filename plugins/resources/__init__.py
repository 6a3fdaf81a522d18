"""Bookable resources (资源): venues, equipment, caterers, troupes; availability, bookings, allocation.

The catalogue says what exists and what it costs; bookings take it for a
window, with holds, approval and a waiting list; the database itself refuses
a double booking; confirmed bookings get a contract; the allocator proposes
who gets which hall. Every hook the plugin answers is below; the work is in
``operations``.
"""
from __future__ import annotations

from core import Manifest, hookimpl
from plugins.resources import demo
from plugins.resources.admin import admin_views
from plugins.resources.api import blp
from plugins.resources.api_availability import blp as availability_blp
from plugins.resources.datasets import DATASETS
from plugins.resources.handlers import EVENTS, HANDLERS
from plugins.resources.models import ALL_MODELS
from plugins.resources.operations import change_impact
from plugins.resources.operations.holds import JOBS
from plugins.resources.operations.install import install
from plugins.resources.operations.settings import SPECS
from plugins.resources.permissions import PERMISSIONS, RECORD_RULES, ROLES

manifest = Manifest(
    name="resources",
    version="0.1.0",
    title={"zh_Hans": "资源预订", "en": "Resources"},
    description={
        "zh_Hans": "场地、设备、餐饮、演出等资源目录；可用性与时间轴；防冲突预订、候补与合同；自动分配。",
        "en": "Venues, equipment, caterers and troupes: availability and timelines, conflict-proof bookings "
              "with holds and waiting lists, contracts, automatic allocation.",
    },
    depends=("project", "crm"),  # contracts name the client company (crm's Customer)
    application=True,
    auto_enable=True,
)


@hookimpl
def huiwu_models():
    return ALL_MODELS


@hookimpl
def huiwu_permissions():
    return PERMISSIONS


@hookimpl
def huiwu_default_roles():
    return ROLES


@hookimpl
def huiwu_record_rules():
    return RECORD_RULES


@hookimpl
def huiwu_events():
    return EVENTS


@hookimpl
def huiwu_event_handlers():
    return HANDLERS


@hookimpl
def huiwu_install(session):
    install(session)


@hookimpl
def huiwu_settings():
    return SPECS


@hookimpl
def huiwu_scheduled_jobs():
    return JOBS


@hookimpl
def huiwu_admin_views(session):
    return admin_views(session)


@hookimpl
def huiwu_api_blueprints():
    return [blp, availability_blp]


@hookimpl
def huiwu_analytics_datasets():
    return DATASETS


@hookimpl(optionalhook=True)
def huiwu_project_change_impact(db_session, project_id, kind, proposed):
    """The project's bookings a proposed time or venue change would move or flag (read only)."""
    return change_impact.lines(db_session, project_id, kind, proposed)


@hookimpl
def huiwu_demo_data(session, scale, progress):
    demo.load_demo(session, scale, progress)
