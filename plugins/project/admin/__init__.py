"""The project plugin's admin pages, under the 项目 / Projects menu."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.project.admin.changes import ChangeRequestView
from plugins.project.admin.projects import ProjectView
from plugins.project.admin.reports import ReportView
from plugins.project.admin.tasks import TaskTemplateView, TaskView
from plugins.project.models import ChangeRequest, Project, Task, TaskTemplate

CATEGORY = _l("Projects")


def admin_views(session) -> list:
    c = CATEGORY
    return [
        ProjectView(Project, session, name=_l("Projects"), category=c, endpoint="project_projects"),
        TaskView(Task, session, name=_l("Tasks"), category=c, endpoint="project_tasks"),
        ChangeRequestView(ChangeRequest, session, name=_l("Change requests"), category=c,
                          endpoint="project_changes"),
        TaskTemplateView(TaskTemplate, session, name=_l("Task templates"), category=c,
                         endpoint="project_templates"),
        ReportView(name=_l("Progress reports"), category=c, endpoint="project_reports", url="project_reports"),
    ]
