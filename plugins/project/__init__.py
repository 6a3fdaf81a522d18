"""Meeting projects (会议项目): from the first enquiry to the closing report.

A project belongs to a CRM customer; confirming it creates its tasks from
templates and assigns them by workload; change requests go through approval;
progress reports are a page, a PDF, a workbook and a Gantt chart, and the
client follows a version of them in the portal. Every hook the plugin answers
is below; the work is in ``operations``.
"""
from __future__ import annotations

from core import Manifest, hookimpl
from plugins.project import demo, hookspecs
from plugins.project.admin import admin_views
from plugins.project.api import blp
from plugins.project.handlers import EVENTS, HANDLERS
from plugins.project.models import ALL_MODELS
from plugins.project.operations.install import install
from plugins.project.operations.jobs import JOBS, SPECS
from plugins.project.permissions import PERMISSIONS, RECORD_RULES, ROLES
from plugins.project.portal import page as portal_page

manifest = Manifest(
    name="project",
    version="0.1.0",
    title={"zh_Hans": "会议项目", "en": "Projects"},
    description={
        "zh_Hans": "会议项目全流程：需求清单、订单、任务自动分派、进度报告与甘特图、变更审批、客户门户。",
        "en": "Meeting projects end to end: requirements, orders, automatic task assignment, progress "
              "reports and Gantt charts, change approval, the client portal.",
    },
    depends=("crm",),
    application=True,
    auto_enable=True,
)


@hookimpl
def huiwu_add_hookspecs(pm):
    pm.add_hookspecs(hookspecs)


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
def huiwu_api_blueprints():
    return [blp]


@hookimpl
def huiwu_admin_views(session):
    return admin_views(session)


@hookimpl
def huiwu_demo_data(session, scale, progress):
    demo.load_demo(session, scale, progress)


@hookimpl
def huiwu_portal_pages():
    return [portal_page]
