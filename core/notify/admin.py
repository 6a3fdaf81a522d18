"""Admin pages of notifications: my inbox (every staff user), webhooks (administrators)."""
from __future__ import annotations

from typing import ClassVar

from flask import current_app, flash, g, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import PasswordField, SelectField, StringField

from core.admin.base import SecureModelView
from core.notify import inbox, webhooks
from core.notify.models import InboxMessage


def _safe_link(link: str | None) -> str | None:
    """Only paths of this application and web addresses; nothing else is followed."""
    if not link:
        return None
    if link.startswith("/") and not link.startswith("//"):
        return link
    return link if link.startswith(("http://", "https://")) else None


def _inbox_title(view, context, model, name):
    url = url_for(".open_view", message_id=model.id)
    template = '<a href="{}">{}</a>' if model.read_at else '<a href="{}"><strong>{}</strong></a>'
    return Markup(template).format(url, model.title)


def _read_state(view, context, model, name):
    return _("Read") if model.read_at else _("Unread")


class InboxView(SecureModelView):
    """The acting user's messages only, for superusers as well (the rule does not limit them)."""

    can_create = can_edit = can_delete = can_export = False
    list_template = "huiwu/delivery/inbox_list.html"
    column_list = ("created_at", "title", "read_at")
    column_details_list = ("created_at", "title", "body", "link", "read_at")
    column_default_sort = ("id", True)
    column_searchable_list = ("title",)
    column_formatters: ClassVar = {"title": _inbox_title, "read_at": _read_state}
    column_labels: ClassVar = {"created_at": _l("Received at"), "title": _l("Subject"), "body": _l("Message"),
                     "link": _l("Link"), "read_at": _l("Status")}

    def _own(self, query):
        return query.filter(InboxMessage.user_id == g.principal.user_id)

    def get_query(self):
        return self._own(super().get_query())

    def get_count_query(self):
        return self._own(super().get_count_query())

    def get_one(self, id):
        message = super().get_one(id)
        return message if message is not None and message.user_id == g.principal.user_id else None

    @expose("/open/<int:message_id>")
    def open_view(self, message_id: int):
        """Mark the message read, then follow its link (or show it)."""
        message = self.get_one(str(message_id))
        if message is None:
            return redirect(url_for(".index_view"))
        inbox.mark_read(self.session, [message.id])
        self.session.commit()
        return redirect(_safe_link(message.link) or url_for(".details_view", id=message.id))

    @expose("/read-all/", methods=("POST",))
    def read_all_view(self):
        marked = inbox.mark_read(self.session)
        self.session.commit()
        flash(_("%(n)d message(s) marked as read.", n=marked), "success")
        return redirect(url_for(".index_view"))

    @action("mark_read", _l("Mark as read"))
    def action_mark_read(self, ids):
        marked = inbox.mark_read(self.session, ids)
        self.session.commit()
        flash(_("%(n)d message(s) marked as read.", n=marked), "success")


FORMAT_CHOICES = [("json", _l("Generic JSON")), ("dingtalk", _l("DingTalk robot")),
                  ("wecom", _l("WeCom robot"))]


class WebhookView(SecureModelView):
    permission_prefix = "core.webhook"
    can_export = False
    column_list = ("name", "format", "events", "active", "url")
    column_details_list = ("name", "format", "events", "active", "url", "created_at", "updated_at")
    column_searchable_list = ("name", "events")
    column_choices: ClassVar = {"format": FORMAT_CHOICES}
    form_columns = ("name", "url", "format", "events", "active", "new_secret")
    form_overrides: ClassVar = {"format": SelectField, "events": StringField}
    form_args: ClassVar = {"format": {"choices": list(FORMAT_CHOICES)}}
    form_extra_fields: ClassVar = {"new_secret": PasswordField(_l("Secret"), description=_l(
        "JSON: key of the X-Huiwu-Signature HMAC; DingTalk: the robot's signing secret. "
        "Leave empty to keep the current one."))}
    column_labels: ClassVar = {"name": _l("Name"), "url": _l("Address"), "format": _l("Format"),
                     "events": _l("Events"), "active": _l("Active"), "new_secret": _l("Secret"),
                     "created_at": _l("Created at"), "updated_at": _l("Updated at")}

    def _describe_events(self, form):
        known = " ".join(sorted(current_app.extensions["huiwu"].bus.types)) or "-"
        form.events.description = _("Event names separated by spaces; project.* takes all of a "
                                    "module's events. Known events: %(known)s", known=known)
        return form

    def create_form(self, obj=None):
        return self._describe_events(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._describe_events(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if form.new_secret.data:
            model.secret = form.new_secret.data
        model.url = (model.url or "").strip()
        model.events = " ".join((model.events or "").split())
        webhooks.validate(model)

    def is_action_allowed(self, name):
        if name == "send_test":
            return self._may("update")
        return super().is_action_allowed(name)

    @action("send_test", _l("Send a test message"))
    def action_send_test(self, ids):
        sent = webhooks.send_test(self.session, ids)
        self.session.commit()
        flash(_("%(n)d test message(s) queued; see the outbox for the result.", n=sent), "success")
