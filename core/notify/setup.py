"""Wiring notifications into the kernel (targets, rule, webhook observer) and the web app (badge)."""
from __future__ import annotations

from flask import g

from core.notify import email, inbox, webhooks


def install(kernel) -> None:
    """Called by every kernel, with or without Flask: workers deliver these targets too."""
    kernel.add_outbox_target(inbox.TARGET, inbox.deliver)
    kernel.add_outbox_target(email.TARGET, email.deliver)
    kernel.add_outbox_target(webhooks.TARGET, webhooks.deliver)
    kernel.record_rules.append(inbox.OWN_MESSAGES_ONLY)
    kernel.bus.add_observer(webhooks.forward)


def init_notify(app, kernel) -> None:
    @app.context_processor
    def _inbox_badge():
        def huiwu_unread_count() -> int:
            principal = getattr(g, "principal", None)
            if principal is None or not principal.user_id or principal.is_portal:
                return 0
            if "huiwu_unread" not in g:
                g.huiwu_unread = inbox.unread_count(kernel.session(), principal.user_id)
            return g.huiwu_unread

        return {"huiwu_unread_count": huiwu_unread_count}
