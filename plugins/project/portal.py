"""The client's view in the portal: their company's meetings, progress, milestones, upcoming
steps and shared documents, and a form to request a change. Never internal notes or costs:
the page is built from the client version of the report (``report.build(..., CLIENT)``)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import DomainError
from core.portal import PortalPage, abort_not_found, db, require
from plugins.project.admin.base import HELPERS
from plugins.project.models import Project
from plugins.project.models.choices import CHANGE_KINDS
from plugins.project.operations import changes, report
from plugins.project.operations.common import get_or_404

bp = Blueprint("project_portal", __name__, url_prefix="meetings", template_folder="templates")

TITLE = {"zh_Hans": "我的会议", "en": "My meetings"}


@bp.route("/")
def meetings():
    require("project.portal.read")
    rows = db().execute(select(Project).order_by(Project.start_at.desc()).limit(200)).scalars().all()
    return render_template("project/portal_list.html", projects=rows, pj=HELPERS)


@bp.route("/<int:project_id>")
def meeting(project_id):
    require("project.portal.read")
    session = db()
    project = session.get(Project, project_id) or abort_not_found()
    data = report.build(session, get_or_404(session, Project, project.id), report.CLIENT)
    return render_template("project/portal_meeting.html", report=data, kinds=CHANGE_KINDS, pj=HELPERS)


@bp.route("/<int:project_id>/change", methods=("POST",))
def request_change(project_id):
    """A change request from the client, submitted at once; it reaches the PM."""
    require("project.portal.change")
    session = db()
    project = get_or_404(session, Project, project_id)
    kind = request.form.get("kind", "other")
    proposed = {"description": request.form.get("details", "")} if kind == "other" else {}
    if kind == "scale" and request.form.get("attendance", "").isdigit():
        proposed = {"attendance": int(request.form["attendance"])}
    try:
        changes.create_change(session, project, kind, proposed, request.form.get("reason", ""), submit=True,
                              from_portal=True)
        session.commit()
        flash(_("Your request was sent to your project manager."), "success")
    except DomainError as exc:
        session.rollback()
        flash(str(exc.message), "error")
    return redirect(url_for("project_portal.meeting", project_id=project.id))


page = PortalPage(bp, "project_portal.meetings", TITLE, order=10, permission="project.portal.read")
