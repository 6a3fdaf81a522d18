"""Settings and the weekly progress report job."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.notify import notify
from core.services.scheduler import Job
from core.services.settings import SettingSpec
from plugins.project.models import Project
from plugins.project.models.choices import ACTIVE_STATUSES
from plugins.project.operations.tasks import progress_of

SPECS = [
    SettingSpec("project.report_font", str, "", _l("Chinese font for PDF reports"),
                _l("Path of a TrueType font file (.ttf or .ttc) embedded in PDF reports; empty: a usual "
                   "system font, or the viewer's own Chinese font."),
                section=_l("Projects")),
]


def weekly_reports(session) -> str:
    """Tell each PM of a running project its progress, with a link to the full report."""
    told = 0
    rows = session.execute(select(Project).where(Project.status.in_(ACTIVE_STATUSES),
                                                 Project.manager_id.is_not(None))
                           .order_by(Project.id)).scalars()
    for project in rows:
        progress = progress_of(session, project.id)
        notify(session, [project.manager_id], _("Weekly progress: %(project)s", project=str(project)),
               _("%(percent)s%% done, %(done)s of %(tasks)s tasks finished, %(overdue)s overdue.",
                 percent=progress.percent, done=progress.done, tasks=progress.tasks, overdue=progress.overdue),
               link=f"/admin/project_reports/{project.id}")
        told += 1
    return f"{told} reports"


JOBS = [Job("project.weekly_reports", "0 8 * * 1", weekly_reports, _l("Weekly project progress reports"))]
