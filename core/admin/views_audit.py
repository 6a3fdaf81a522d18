"""The logs under System: the audit trail of business data and the security log.

Both are read-only, listed newest first without counting the table, and
filtered in the company's days. A record's own history is on its details
page (``SecureModelView.history_view``); the audit log links to it.
"""
from __future__ import annotations

from typing import ClassVar

from flask import current_app, g, url_for
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from core.admin.base import SecureModelView
from core.admin.filters import DayBetweenFilter, LogDayFilter
from core.admin.history import (
    AUDIT_ACTIONS,
    audit_action_label,
    field_changes,
    shown_value,
)
from core.audit.models import AuditLog
from core.db.base import Base
from core.db.mixins import AuditedMixin
from core.security.log import SecurityEvent

SYSTEM = _l("System")
#: Changes shown per row in the list; the details page shows them all.
LIST_CHANGES = 3

SECURITY_KINDS = {
    "login": _l("Logged in"), "login_failed": _l("Failed login"), "logout": _l("Logged out"),
    "refused": _l("Refused"), "token_issued": _l("Token issued"), "token_revoked": _l("Token revoked"),
    "module_changed": _l("Module switched"),
}


class ReadOnlyLogView(SecureModelView):
    """A log: read by holders of ``required_permission``, exported by them, never edited."""

    can_view_details = True
    #: Filter links read ``?flt0_user_equals=lina`` and survive a change of filter order.
    named_filter_urls = True

    @property
    def can_create(self):
        return False

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

    @property
    def can_export(self):
        return g.principal.can(self.required_permission)


def record_view(table_name: str):
    """The admin view of ``table_name`` the current user may open, if any."""
    admin = current_app.extensions["huiwu.admin"]
    for view in admin._views:
        model = getattr(view, "model", None)
        if (isinstance(view, SecureModelView) and getattr(model, "__tablename__", None) == table_name
                and view.is_accessible()):
            return view
    return None


def _record_link(_view, _context, model, _name):
    view = record_view(model.table_name)
    if view is None or model.action == "delete":
        return model.record_id
    url = url_for(f"{view.endpoint}.history_view", id=model.record_id)
    title = _("History")
    return Markup(f'<a href="{escape(url)}" title="{escape(title)}">{escape(model.record_id)}</a>')


def _action(_view, _context, model, _name):
    return audit_action_label(model.action)


def _changes_short(_view, _context, model, _name):
    changes = field_changes(model)
    if model.action == "update":
        parts = [f"<b>{escape(c.field)}</b> {escape(_short(c.before))} → {escape(_short(c.after))}"
                 for c in changes[:LIST_CHANGES]]
    else:
        parts = [f"<b>{escape(c.field)}</b> {escape(_short(c.after if model.action == 'insert' else c.before))}"
                 for c in changes[:LIST_CHANGES]]
    if len(changes) > LIST_CHANGES:
        parts.append(escape(_("and %(n)d more", n=len(changes) - LIST_CHANGES)))
    return Markup(f'<span class="huiwu-changes">{"; ".join(parts)}</span>')


def _changes_full(_view, _context, model, _name):
    rows = "".join(f'<tr><th class="font-weight-normal">{escape(c.field)}</th><td>{escape(shown_value(c.before))}</td>'
                   f"<td>{escape(shown_value(c.after))}</td></tr>" for c in field_changes(model))
    field, before, after = _("Field"), _("Before"), _("After")
    return Markup(f'<table class="table table-sm mb-0 huiwu-diff"><thead><tr>'
                  f'<th class="huiwu-diff-field">{escape(field)}</th>'
                  f"<th>{escape(before)}</th><th>{escape(after)}</th></tr></thead>"
                  f"<tbody>{rows}</tbody></table>")


def _short(value, limit: int = 40) -> str:
    text = shown_value(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table_options():
    """Tables the audit keeps: those of audited models."""
    names: ClassVar[dict] = {mapper.class_.__table__.name for mapper in Base.registry.mappers
             if issubclass(mapper.class_, AuditedMixin) and getattr(mapper.class_, "__audited__", True)}
    return [(name, name) for name in sorted(names)]


class AuditLogView(ReadOnlyLogView):
    required_permission = "core.audit.read"
    column_list = ("at", "user_login", "action", "table_name", "record_id", "changes")
    column_details_list = column_list
    column_export_list = column_list
    # Newest first by id, the order rows are written in: the time column has no index
    # (every audited write would pay for one), and sorting by time means sorting by id.
    column_default_sort = ("id", True)
    column_formatters: ClassVar[dict] = {"record_id": _record_link, "action": _action, "changes": _changes_short}
    column_formatters_detail: ClassVar[dict] = {"action": _action, "changes": _changes_full}
    column_formatters_export: ClassVar[dict] = {"action": lambda v, c, m, n: audit_action_label(m.action)}
    column_labels: ClassVar[dict] = {"at": _l("Time"), "user_login": _l("User"), "action": _l("Action"),
                     "table_name": _l("Table"), "record_id": _l("Record"), "changes": _l("Changes")}
    def get_sortable_columns(self):
        """The time column sorts by id (Flask-Admin would rename a ``("at", AuditLog.id)`` entry to ``id``)."""
        self._sortable_joins = {}
        return {"at": AuditLog.id}

    column_filters = (
        FilterEqual(AuditLog.table_name, _l("Table"), options=_table_options),
        FilterEqual(AuditLog.record_id, _l("Record")),
        FilterEqual(AuditLog.user_login, _l("User")),
        FilterEqual(AuditLog.action, _l("Action"), options=list(AUDIT_ACTIONS.items())),
        LogDayFilter(AuditLog.at, AuditLog.id, _l("Date")),
    )


def _kind(_view, _context, model, _name):
    return str(SECURITY_KINDS.get(model.kind, model.kind))


class SecurityLogView(ReadOnlyLogView):
    required_permission = "core.audit.read"
    column_list = ("at", "kind", "login", "ip", "path", "detail")
    column_details_list = column_list
    column_export_list = column_list
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "kind", "login")
    column_formatters: ClassVar[dict] = {"kind": _kind}
    column_formatters_detail: ClassVar[dict] = {"kind": _kind}
    column_formatters_export: ClassVar[dict] = {"kind": _kind}
    column_labels: ClassVar[dict] = {"at": _l("Time"), "kind": _l("Event"), "login": _l("User"), "ip": _l("IP address"),
                     "path": _l("Address"), "detail": _l("Detail")}
    column_filters = (
        FilterEqual(SecurityEvent.kind, _l("Event"), options=list(SECURITY_KINDS.items())),
        FilterEqual(SecurityEvent.login, _l("User")),
        FilterEqual(SecurityEvent.ip, _l("IP address")),
        FilterLike(SecurityEvent.path, _l("Address")),
        DayBetweenFilter(SecurityEvent.at, _l("Date")),
    )


def views(session) -> list:
    return [
        AuditLogView(AuditLog, session, name=_l("Audit log"), category=SYSTEM, endpoint="core_audit"),
        SecurityLogView(SecurityEvent, session, name=_l("Security log"), category=SYSTEM,
                        endpoint="core_security_log"),
    ]
