"""Admin pages of the shared services: Settings and Scheduled jobs (menu "System").

Thin: the work is done by ``core.services.settings`` and ``core.services.scheduler``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.admin.base import SecureView
from core.errors import Conflict, ValidationFailed
from core.services import attachments, scheduler, settings
from core.services.models import Attachment, JobRun
from core.services.settings import SettingSpec
from core.web.auth import log_refusal
from core.web.errors import log_forbidden
from core.web.i18n import chosen_locale

CATEGORY = _l("System")
RECENT_RUNS = 30


def _kernel():
    return current_app.extensions["huiwu"]


def _require(permission: str) -> None:
    if not g.principal.can(permission):
        log_refusal(permission)
        log_forbidden(_kernel(), f"admin {request.path}")
        abort(403)


# -- settings ----------------------------------------------------------------------------

@dataclass
class SettingGroup:
    """The settings of one module, for the page: a title and its sections."""

    plugin: str | None
    title: str
    sections: list[tuple[object, list[SettingSpec]]] = field(default_factory=list)


def setting_groups(kernel, session, locale: str) -> list[SettingGroup]:
    """The kernel's settings, then each enabled module's, in dependency order."""
    order = [None] + [p.name for p in kernel.registry.loaded]
    groups = []
    for plugin in order:
        if not kernel.registry.is_enabled(session, plugin):
            continue
        specs = [s for s in kernel.setting_specs.values() if s.plugin == plugin]
        if not specs:
            continue
        title = str(_("General")) if plugin is None else kernel.registry.plugins[plugin].manifest.title_for(locale)
        group = SettingGroup(plugin, title)
        for spec in specs:
            if group.sections and group.sections[-1][0] == spec.section:
                group.sections[-1][1].append(spec)
            else:
                group.sections.append((spec.section, [spec]))
        groups.append(group)
    return groups


def shown_value(spec: SettingSpec, value) -> str:
    """How a value reads in its form field."""
    if value is None:
        return ""
    if spec.type == "list":
        return ", ".join(value)
    return str(value)


class SettingsView(SecureView):
    required_permission = "core.setting.read"

    @expose("/", methods=("GET", "POST"))
    def index(self):
        kernel = _kernel()
        session = kernel.session()
        groups = setting_groups(kernel, session, chosen_locale())
        specs = [s for grp in groups for _title, items in grp.sections for s in items]
        keys = [s.key for s in specs]
        errors: dict[str, list[str]] = {}
        typed: dict[str, str] = {}
        status = 200
        if request.method == "POST":
            _require("core.setting.update")
            typed, seen = self._submitted(specs)
            try:
                changed = self._save(session, specs, typed, seen)
                session.commit()
                flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for(".index"))
            except ValidationFailed as exc:
                session.rollback()
                errors, status = exc.errors, 422
                flash(_("Some settings are not valid; nothing was saved."), "error")
            except Conflict as exc:
                session.rollback()
                errors, status, typed = exc.errors, 409, {}
                flash(str(exc.message), "error")
        values = settings.values(session, keys)
        shown = {s.key: typed.get(s.key, shown_value(s, values[s.key])) for s in specs}
        files = self._files(session, specs, values)
        return self.render("huiwu/services/settings.html", groups=groups, shown=shown, values=values,
                           versions=settings.versions(session, keys), errors=errors, files=files,
                           may_update=g.principal.can("core.setting.update")), status

    @staticmethod
    def _submitted(specs) -> tuple[dict, dict]:
        typed, seen = {}, {}
        for spec in specs:
            seen[spec.key] = request.form.get(f"version:{spec.key}", 0, type=int)
            if spec.type is bool:
                typed[spec.key] = "true" if request.form.get(spec.key) else "false"
            elif spec.type != "attachment" and spec.key in request.form:
                typed[spec.key] = request.form[spec.key]
        return typed, seen

    @staticmethod
    def _save(session, specs, typed, seen) -> list[str]:
        changed = settings.update(session, typed, seen)
        for spec in specs:
            if spec.type != "attachment":
                continue
            upload = request.files.get(spec.key)
            if upload is not None and upload.filename:
                attachments.attach_to_setting(session, spec.key, upload.filename, upload.stream,
                                              upload.mimetype, seen_version=seen[spec.key])
                changed.append(spec.key)
            elif request.form.get(f"clear:{spec.key}"):
                settings.set_value(session, spec.key, None, version=seen[spec.key])
                changed.append(spec.key)
        return changed

    @staticmethod
    def _files(session, specs, values) -> dict[str, Attachment]:
        ids = [values[s.key] for s in specs if s.type == "attachment" and values[s.key]]
        if not ids:
            return {}
        found = {a.id: a for a in session.execute(select(Attachment).where(Attachment.id.in_(ids))).scalars()}
        return {s.key: found[values[s.key]] for s in specs
                if s.type == "attachment" and values[s.key] in found}


# -- scheduled jobs ----------------------------------------------------------------------

class JobsView(SecureView):
    required_permission = "core.job.read"

    @expose("/")
    def index(self):
        kernel = _kernel()
        session = kernel.session()
        jobs = scheduler.visible_jobs(kernel, session)
        session.commit()  # the job rows it may have created
        visible = [job.name for job, _state in jobs]
        runs = list(session.execute(
            select(JobRun).where(JobRun.job.in_(visible)).order_by(JobRun.started_at.desc(), JobRun.id.desc())
            .limit(RECENT_RUNS)
        ).scalars()) if visible else []
        titles = {job.name: job.title or job.name for job, _state in jobs}
        return self.render("huiwu/services/jobs.html", jobs=jobs, runs=runs, titles=titles,
                           modules={p.name: p.manifest.title_for(chosen_locale()) for p in kernel.registry.loaded},
                           may_run=g.principal.can("core.job.run"),
                           may_update=g.principal.can("core.job.update"))

    @expose("/run/", methods=("POST",))
    def run(self):
        _require("core.job.run")
        kernel = _kernel()
        name = request.form.get("name", "")
        # the job commits transactions of its own: end this request's first (SQLite has one writer)
        kernel.session().commit()
        run = scheduler.run_now(kernel, name, started_by=g.principal.login)
        if run.status == scheduler.OK:
            flash(_("The job ran successfully.") + (f" {run.summary}" if run.summary else ""), "success")
        else:
            flash(_("The job failed; the error is in the run log below."), "error")
        return redirect(url_for(".index"))

    @expose("/toggle/", methods=("POST",))
    def toggle(self):
        _require("core.job.update")
        kernel = _kernel()
        session = kernel.session()
        enable = request.form.get("enabled") == "1"
        scheduler.set_enabled(kernel, session, request.form.get("name", ""), enable)
        session.commit()
        flash(_("The job is switched on.") if enable else _("The job is switched off; it will not run "
                                                               "until switched on again."), "success")
        return redirect(url_for(".index"))


def views(session) -> list:
    return [
        SettingsView(name=_l("Settings"), category=CATEGORY, endpoint="settings", url="/admin/settings"),
        JobsView(name=_l("Scheduled jobs"), category=CATEGORY, endpoint="jobs", url="/admin/jobs"),
    ]
