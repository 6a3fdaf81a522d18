"""CRM (客户关系): customers, contacts, communication, tags and segments.

The firm's memory of who its clients are, what they held with us, what they
like and what was said. Every hook the plugin answers is below; the work is
in ``operations``.
"""
from __future__ import annotations

from core import Manifest, hookimpl
from plugins.crm import demo
from plugins.crm.admin import admin_views
from plugins.crm.api import blp
from plugins.crm.datasets import DATASETS
from plugins.crm.handlers import EVENTS, HANDLERS
from plugins.crm.models import ALL_MODELS
from plugins.crm.operations.install import install
from plugins.crm.operations.jobs import JOBS
from plugins.crm.operations.settings import SPECS
from plugins.crm.permissions import PERMISSIONS, RECORD_RULES, ROLES

manifest = Manifest(
    name="crm",
    version="0.1.0",
    title={"zh_Hans": "客户关系", "en": "Customers"},
    description={
        "zh_Hans": "客户与联系人、会议历史与偏好、沟通记录、标签规则与RFM客户分群。",
        "en": "Customers and contacts, meeting history and preferences, communication records, "
              "tag rules and RFM segments.",
    },
    depends=(),
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
def huiwu_settings():
    return SPECS


@hookimpl
def huiwu_scheduled_jobs():
    return JOBS


@hookimpl
def huiwu_install(session):
    install(session)


@hookimpl
def huiwu_admin_views(session):
    return admin_views(session)


@hookimpl
def huiwu_api_blueprints():
    return [blp]


@hookimpl
def huiwu_demo_data(session, scale, progress):
    demo.load_demo(session, scale, progress)


@hookimpl
def huiwu_analytics_datasets():
    return DATASETS
