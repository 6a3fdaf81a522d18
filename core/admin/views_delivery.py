"""Delivery pages: the outbox (System), webhooks (System) and each user's inbox.

The outbox page lists messages by status; dead and skipped ones get a Retry
button (``core.outbox.retry``) that gives them a fresh set of attempts and
delivers them at once.
"""
from __future__ import annotations

from typing import ClassVar

from flask import flash, g, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.model.template import TemplateLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.admin.base import SecureModelView
from core.events import outbox
from core.events.outbox import OutboxMessage
from core.notify.admin import InboxView, WebhookView
from core.notify.models import InboxMessage, Webhook

SYSTEM = _l("System")

STATUS_LABELS = {
    outbox.PENDING: _l("Pending"),
    outbox.DELIVERED: _l("Delivered"),
    outbox.DEAD: _l("Dead"),
    outbox.SKIPPED: _l("Skipped"),
}
STATUS_STYLES = {outbox.PENDING: "info", outbox.DELIVERED: "success", outbox.DEAD: "danger",
                 outbox.SKIPPED: "secondary"}
RETRYABLE = (outbox.DEAD, outbox.SKIPPED)


def _status_badge(view, context, model, name):
    return Markup('<span class="badge badge-{}">{}</span>').format(
        STATUS_STYLES.get(model.status, "light"), STATUS_LABELS.get(model.status, model.status))


def _short_error(view, context, model, name):
    error = model.last_error or ""
    return error if len(error) <= 120 else error[:117] + "..."


class OutboxView(SecureModelView):
    permission_prefix = "core.outbox"
    can_create = can_edit = can_delete = can_export = False
    list_template = "huiwu/delivery/outbox_list.html"
    column_list = ("id", "created_at", "target", "status", "attempts", "next_attempt_at",
                   "last_error", "delivered_at")
    column_details_list = column_list + ("payload",)
    column_default_sort = ("id", True)
    column_searchable_list = ("target",)
    column_filters = (
        FilterEqual(OutboxMessage.status, _l("Status"), options=tuple(STATUS_LABELS.items())),
        FilterEqual(OutboxMessage.target, _l("Target")),
    )
    column_formatters: ClassVar = {"status": _status_badge, "last_error": _short_error}
    column_labels: ClassVar = {
        "id": _l("No."), "created_at": _l("Written at"), "target": _l("Target"),
        "status": _l("Status"), "attempts": _l("Attempts"), "next_attempt_at": _l("Next attempt"),
        "last_error": _l("Last error"), "delivered_at": _l("Delivered at"), "payload": _l("Content"),
    }
    column_extra_row_actions: ClassVar = [TemplateLinkRowAction("delivery_actions.retry_row", _l("Retry"))]

    def may_retry(self) -> bool:
        return g.principal.can("core.outbox.retry")

    def is_action_allowed(self, name):
        if name == "retry":
            return self.may_retry()
        return super().is_action_allowed(name)

    def status_tabs(self) -> list[tuple[str, object, int, str]]:
        """(status, label, count, url) for the tabs above the list."""
        counts = outbox.counts_by_status(self.session)
        return [(status, label, counts[status], url_for(".index_view", flt0_0=status))
                for status, label in STATUS_LABELS.items()]

    @action("retry", _l("Retry"), _l("Deliver the selected messages again?"))
    def action_retry(self, ids):
        retried = outbox.retry(self.session, ids)
        self.session.commit()
        flash(_("%(n)d message(s) handed over for delivery again.", n=retried), "success")


def views(session) -> list:
    return [
        OutboxView(OutboxMessage, session, name=_l("Outbox"), category=SYSTEM, endpoint="outbox"),
        WebhookView(Webhook, session, name=_l("Webhooks"), category=SYSTEM, endpoint="webhooks"),
        InboxView(InboxMessage, session, name=_l("My inbox"), endpoint="inbox"),
    ]
