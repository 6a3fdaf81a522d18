"""Communication records, follow-up tasks, meetings and feedback in the admin."""
from __future__ import annotations

from typing import ClassVar

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField
from wtforms.validators import Optional

from core.db.types import utcnow
from core.errors import DomainError
from plugins.crm.admin.base import (
    CrmModelView,
    LocalDateTimeField,
    instant_formatter,
    money,
    select_field,
    subject,
    vocabulary_formatter,
)
from plugins.crm.models import Communication, Customer
from plugins.crm.models.choices import COMMUNICATION_KINDS, MEETING_STATUSES, SEGMENTS
from plugins.crm.operations import communications
from plugins.crm.operations.email_import import import_eml

PERSON_KIND_CHOICES = [(k, COMMUNICATION_KINDS[k]) for k in communications.PERSON_KINDS]
RECORD_LABELS = {
    "customer": _l("Customer"), "contact": _l("Contact"), "kind": _l("Kind"), "direction": _l("Direction"),
    "subject": _l("Subject"), "body": _l("Content"), "occurred_at": _l("When"), "owner": _l("Staff member"),
    "event": _l("Event"), "due_at": _l("Due"), "done_at": _l("Done"), "attachment_names": _l("Attached files"),
    "playbook_segment": _l("Playbook"), "meeting": _l("Meeting"),
}


def _subject(_v, _c, model, _n):
    return subject(model)


class EmlForm(FlaskForm):
    file = FileField(_l("E-mail file (.eml)"), validators=[FileRequired()])
    customer_id = IntegerField(_l("Customer number (leave empty to match by address)"),
                               validators=[Optional()])


class CommunicationView(CrmModelView):
    permission_prefix = "crm.communication"
    list_template = "crm/communication_list.html"
    column_list = ("occurred_at", "customer", "kind", "subject", "contact", "owner")
    column_default_sort = ("occurred_at", True)
    column_searchable_list = ("subject",)
    column_filters = ("kind",)
    column_labels = RECORD_LABELS
    column_formatters: ClassVar[dict] = {"kind": vocabulary_formatter(COMMUNICATION_KINDS), "subject": _subject,
                         "occurred_at": instant_formatter, "due_at": instant_formatter,
                         "done_at": instant_formatter}
    form_columns = ("customer", "contact", "kind", "direction", "subject", "body", "occurred_at")
    form_overrides: ClassVar[dict] = {"kind": SelectField, "direction": SelectField,
                                      "occurred_at": LocalDateTimeField}
    form_args: ClassVar[dict] = {"kind": select_field(PERSON_KIND_CHOICES, blank=False),
                 "direction": select_field({"in": _l("From the customer"), "out": _l("To the customer")})}
    form_ajax_refs: ClassVar[dict] = {
        "customer": {"fields": ("name",), "page_size": 20, "placeholder": _l("Choose a customer")},
        "contact": {"fields": ("name",), "page_size": 20, "placeholder": _l("Choose a contact")}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        customer_id = request.args.get("customer_id", type=int)
        if customer_id and not form.customer.data:
            form.customer.data = self.session().get(Customer, customer_id)
        if request.method == "GET" and request.args.get("kind") in communications.PERSON_KINDS:
            form.kind.data = request.args["kind"]
        if request.method == "GET" and form.occurred_at.data is None:
            form.occurred_at.data = utcnow()
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.contact is not None and model.contact.customer_id != model.customer.id:
            raise DomainError(_("The contact does not belong to this customer."), field="contact")
        if is_created and model.owner_id is None:
            model.owner_id = g.principal.user_id

    @expose("/eml/", methods=("GET", "POST"))
    def eml_view(self):
        if not self._may("create"):
            return self.inaccessible_callback("eml_view")
        form = EmlForm()
        if form.validate_on_submit():
            session = self.session()
            try:
                record = import_eml(session, form.file.data.read(), form.customer_id.data)
                session.commit()
            except DomainError as exc:
                session.rollback()
                flash(str(exc.message), "error")
            else:
                flash(_("The e-mail is on the customer's timeline."), "success")
                return redirect(url_for("crm_customers.details_view", id=record.customer_id))
        return self.render("crm/eml.html", form=form)


class FollowUpView(CrmModelView):
    """The signed-in user's open follow-up tasks."""

    permission_prefix = "crm.communication"
    column_list = ("due_at", "customer", "subject", "playbook_segment", "body")
    column_default_sort = ("due_at", False)
    column_labels = RECORD_LABELS
    column_formatters: ClassVar[dict] = {"due_at": instant_formatter, "subject": _subject,
                         "playbook_segment": vocabulary_formatter(SEGMENTS)}
    can_create = can_edit = False

    def get_query(self):
        return super().get_query().filter(
            Communication.kind == "follow_up", Communication.owner_id == g.principal.user_id,
            Communication.done_at.is_(None))

    def is_action_allowed(self, name):
        return self._may("update") and super().is_action_allowed(name)

    @action("done", _l("Mark done"))
    def action_done(self, ids):
        session = self.session()
        for record_id in ids:
            communications.mark_done(session, int(record_id))
        session.commit()
        flash(_("%(n)d tasks marked done.", n=len(ids)), "success")


class MeetingView(CrmModelView):
    """The meeting history, as project events wrote it (read only)."""

    permission_prefix = "crm.customer"
    column_list = ("start_date", "customer", "code", "title", "city", "status", "attendees", "amount")
    column_default_sort = ("start_date", True)
    column_searchable_list = ("title", "code")
    column_labels: ClassVar[dict] = {"start_date": _l("Start"), "customer": _l("Customer"), "code": _l("Project code"),
                     "title": _l("Meeting"), "city": _l("City"), "status": _l("Status"),
                     "attendees": _l("Attendees"), "amount": _l("Contract value")}
    column_formatters: ClassVar[dict] = {"status": vocabulary_formatter(MEETING_STATUSES),
                         "amount": lambda _v, _c, m, _n: money(m.amount)}
    can_create = can_edit = can_delete = False


class FeedbackView(CrmModelView):
    permission_prefix = "crm.feedback"
    column_list = ("received_at", "customer", "meeting", "contact", "score", "comments")
    column_default_sort = ("received_at", True)
    column_labels: ClassVar[dict] = {"received_at": _l("Received"), "customer": _l("Customer"), "meeting": _l("Meeting"),
                     "contact": _l("Contact"), "score": _l("Score (0-10)"), "comments": _l("Comments")}
    column_formatters: ClassVar[dict] = {"received_at": instant_formatter}
    form_columns = ("customer", "meeting", "contact", "score", "comments", "received_at")
    form_ajax_refs: ClassVar[dict] = {"customer": {"fields": ("name",), "page_size": 20},
                      "meeting": {"fields": ("title", "code"), "page_size": 20},
                      "contact": {"fields": ("name",), "page_size": 20}}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.score is None or not 0 <= model.score <= 10:
            raise DomainError(_("The score is a whole number from 0 to 10."), field="score")
        if model.meeting is not None and model.meeting.customer_id != model.customer.id:
            raise DomainError(_("The meeting was not held for this customer."), field="meeting")

