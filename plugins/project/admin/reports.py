"""The progress report in the admin: the page with its Gantt chart, the PDF, the workbook."""
from __future__ import annotations

from flask import Response, abort, current_app, url_for
from flask_admin import expose

from core.errors import NotFound
from plugins.project.admin.base import ProjectPage
from plugins.project.operations import exports, gantt, report
from plugins.project.operations.projects import get_project


class ReportView(ProjectPage):
    required_permission = "project.report.read"

    def _report(self, project_id, audience=report.STAFF):
        session = self._session()
        try:
            project = get_project(session, project_id)
        except NotFound:
            abort(404)
        return session, report.build(session, project, audience)

    def _session(self):
        return current_app.extensions["huiwu"].session()

    @expose("/")
    def index(self):
        abort(404)

    @expose("/<int:project_id>")
    def report_view(self, project_id):
        session, data = self._report(project_id)
        chart = gantt.chart_html(session, data.tasks, url_for("huiwu_charts.plotly_js"))
        return self.render("project/report.html", report=data, chart=chart)

    @expose("/<int:project_id>.pdf")
    def pdf_view(self, project_id):
        session, data = self._report(project_id)
        return Response(exports.pdf(session, data), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{data.project.code}.pdf"'})

    @expose("/<int:project_id>.xlsx")
    def xlsx_view(self, project_id):
        session, data = self._report(project_id)
        return Response(exports.xlsx(session, data), headers={
            "Content-Disposition": f'attachment; filename="{data.project.code}.xlsx"'},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
