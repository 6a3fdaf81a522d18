"""The segments page and the import/export page: custom admin pages over operations."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app, flash, g, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField

from core.db.types import utcnow
from core.errors import DomainError, Forbidden
from plugins.crm.admin.base import CrmView, when
from plugins.crm.models import Playbook
from plugins.crm.models.choices import SEGMENTS, label
from plugins.crm.operations import exporting, playbooks, rfm, segments
from plugins.crm.operations.elevated import as_system
from plugins.crm.operations.importing import import_workbook

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _session():
    return current_app.extensions["huiwu"].session()


def _download(content: bytes, name: str, fmt: str) -> Response:
    return Response(content, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


def _need(permission: str) -> None:
    """Refuse (403, logged) unless the user holds ``permission``."""
    if not g.principal.can(permission):
        raise Forbidden(_("You do not have permission to do this.") + f" ({permission})")


class ButtonForm(FlaskForm):
    """A POST button: only the CSRF token."""


class ImportForm(FlaskForm):
    file = FileField(_l("Excel workbook (.xlsx)"), validators=[FileRequired()])
    only_good_rows = BooleanField(_l("Import the good rows even if some rows have errors"))


class SegmentsView(CrmView):
    required_permission = "crm.segment.read"

    @expose("/")
    def index(self):
        session = _session()
        return self.render(
            "crm/segments.html", summary=segments.summary(session), run=segments.last_run(session),
            moves=segments.moves(session, utcnow() - timedelta(days=90)), SEGMENTS=SEGMENTS, label=label,
            playbooks={p.segment: p for p in session.scalars(select(Playbook))},
            form=ButtonForm(), when=when)

    @expose("/recompute/", methods=("POST",))
    def recompute(self):
        _need("crm.segment.recompute")
        if ButtonForm().validate_on_submit():
            session = _session()
            with as_system(session):
                run = rfm.recompute(session, triggered_by=g.principal.user_id)
            session.commit()
            flash(_("%(scored)d customers scored, %(moved)d moved to another segment.",
                    scored=run.scored, moved=run.moved), "success")
        return redirect(url_for(".index"))

    @expose("/follow-ups/<segment>/", methods=("POST",))
    def follow_ups(self, segment):
        _need("crm.segment.update")
        session = _session()
        playbook = playbooks.playbook_for(session, segment)
        if playbook is None:
            abort(404)
        if ButtonForm().validate_on_submit():
            with as_system(session):
                given = playbooks.give_follow_ups(session, playbook)
            session.commit()
            flash(_("%(n)d follow-up tasks given to account managers.", n=given), "success")
        return redirect(url_for(".index"))

    @expose("/campaign/<segment>.<fmt>")
    def campaign(self, segment, fmt):
        _need("crm.segment.export")
        if segment not in SEGMENTS or fmt not in MIMETYPES:
            abort(404)
        return _download(exporting.campaign_file(_session(), segment, fmt), f"campaign-{segment}", fmt)


class ImportExportView(CrmView):
    required_permission = "crm.customer.read"

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form, report = ImportForm(), None
        if form.validate_on_submit():
            _need("crm.customer.import")
            report = self._import(form)
        return self.render("crm/import.html", form=form, report=report,
                           can_import=g.principal.can("crm.customer.import"),
                           can_export=g.principal.can("crm.customer.export"))

    def _import(self, form):
        session = _session()
        try:
            report = import_workbook(session, form.file.data.stream, form.only_good_rows.data)
        except DomainError as exc:
            session.rollback()
            flash(str(exc.message), "error")
            return None
        if report.applied:
            session.commit()
            flash(_("Imported %(c)d customers and %(p)d contacts.", c=report.customers, p=report.contacts),
                  "success")
        else:
            session.rollback()
            flash(_("Nothing was imported: fix the rows below, or choose to import only the good rows."),
                  "error")
        return report

    @expose("/export.<fmt>")
    def export(self, fmt):
        _need("crm.customer.export")
        if fmt not in MIMETYPES:
            abort(404)
        session = _session()
        content = exporting.customers_csv(session) if fmt == "csv" else exporting.customers_xlsx(session)
        return _download(content, "customers", fmt)

    @expose("/template.xlsx")
    def template(self):
        return _download(exporting.template_xlsx(), "customers-template", "xlsx")
