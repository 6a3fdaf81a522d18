"""Customers and contacts in the admin: thin views over ``operations.customers``."""
from __future__ import annotations

import re
from typing import ClassVar

from flask import flash, request
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField

from core.errors import ValidationFailed
from core.security.models import User
from plugins.crm.admin.base import (
    CrmModelView,
    instant_formatter,
    masked_mobile,
    money,
    select_field,
    tag_badges,
    vocabulary_formatter,
)
from plugins.crm.models import Contact, Customer, CustomerStats, Preference
from plugins.crm.models.choices import (
    INDUSTRIES,
    LEVELS,
    PREFERENCE_KINDS,
    SEGMENTS,
    SIZES,
    SOURCES,
    choices,
    label,
)
from plugins.crm.operations import customers as ops
from plugins.crm.operations import duplicates
from plugins.crm.operations.card import customer_card
from plugins.crm.operations.sqlfn import name_order
from plugins.crm.operations.validation import email_index, mobile_index

PHONE_LIKE = re.compile(r"^[+\d][\d\s\-]{6,}$")

CUSTOMER_LABELS = {
    "name": _l("Name"), "credit_code": _l("Unified social credit code"), "industry": _l("Industry"),
    "size": _l("Company size"), "province": _l("Province"), "city": _l("City"), "address": _l("Address"),
    "source": _l("Source channel"), "level": _l("Level"), "account_manager": _l("Account manager"),
    "manual_tags": _l("Tags"), "tags": _l("Tags"), "notes": _l("Notes"), "stats.segment": _l("RFM segment"),
    "stats.last_meeting_at": _l("Last meeting"), "stats.total_spend": _l("Total spend"),
    "created_at": _l("Created at"), "updated_at": _l("Updated at"),
}


class CustomerView(CrmModelView):
    permission_prefix = "crm.customer"
    details_template = "crm/customer_details.html"
    column_list = ("name", "industry", "city", "level", "account_manager", "stats.segment",
                   "stats.last_meeting_at", "stats.total_spend", "tags")
    column_details_list = ("name", "credit_code", "industry", "size", "province", "city", "address",
                           "source", "level", "account_manager", "tags", "notes", "created_at", "updated_at")
    #: Exports stream after the request's session is gone: plain columns and joined relations only.
    column_export_list = ("name", "credit_code", "industry", "size", "province", "city", "address", "source",
                          "level", "account_manager")
    column_sortable_list = ("name", "city", "level")
    column_default_sort = "name"
    column_searchable_list = ("name",)
    column_labels = CUSTOMER_LABELS
    #: Flask-Admin would joinedload ``account_manager`` and ``stats`` itself; one loader per relation,
    #: all of them here, in a query each for the whole page (see ``get_query``).
    column_auto_select_related = False
    column_filters = (
        FilterEqual(Customer.industry, _l("Industry"), options=choices(INDUSTRIES)),
        FilterEqual(Customer.level, _l("Level"), options=choices(LEVELS)),
        FilterEqual(Customer.city, _l("City")),
        FilterEqual(CustomerStats.segment, _l("RFM segment"), options=choices(SEGMENTS)),
    )
    column_formatters: ClassVar[dict] = {
        "industry": vocabulary_formatter(INDUSTRIES), "level": vocabulary_formatter(LEVELS),
        "size": vocabulary_formatter(SIZES), "source": vocabulary_formatter(SOURCES),
        "stats.segment": lambda _v, _c, m, _n: label(SEGMENTS, m.stats.segment if m.stats else None),
        "stats.last_meeting_at": lambda v, c, m, n: instant_formatter(v, c, m.stats, "last_meeting_at")
        if m.stats else "",
        "stats.total_spend": lambda _v, _c, m, _n: money(m.stats.total_spend) if m.stats else "",
        "tags": tag_badges,
    }
    form_columns = ("name", "credit_code", "industry", "size", "province", "city", "address", "source",
                    "level", "account_manager", "manual_tags", "notes")
    inline_models: ClassVar[list] = [(Preference, {
        "form_columns": ("id", "kind", "value"),
        "form_overrides": {"kind": SelectField},
        "form_args": {"kind": {"label": _l("Preference"), **select_field(PREFERENCE_KINDS, blank=False)},
                      "value": {"label": _l("Value")}},
    })]
    form_overrides: ClassVar[dict] = {"industry": SelectField, "size": SelectField, "source": SelectField, "level": SelectField}
    form_args: ClassVar[dict] = {"industry": select_field(INDUSTRIES), "size": select_field(SIZES),
                 "source": select_field(SOURCES), "level": select_field(LEVELS, blank=False)}

    def _staff_only(self, form):
        """Account managers are staff: portal users (clients) are not offered."""
        form.account_manager.query = self.session().scalars(
            select(User).where(User.is_portal.is_(False), User.active.is_(True)).order_by(User.name)).all()
        return form

    def create_form(self, obj=None):
        return self._staff_only(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._staff_only(super().edit_form(obj))

    def get_query(self):
        return super().get_query().options(
            selectinload(Customer.account_manager), selectinload(Customer.stats), selectinload(Customer.tags))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Name prefix (index-backed), or an exact credit code."""
        term = search.strip()
        if len(term) == 18 and term.isalnum():
            criterion = Customer.credit_code == term.upper()
        else:
            criterion = name_order(self.session(), Customer.name).startswith(term.lower(), autoescape=True)
        query = query.filter(criterion)
        count_query = count_query.filter(criterion) if count_query is not None else None
        return query, count_query, joins, count_joins

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        for flag in ops.after_customer_saved(self.session(), model, is_created):
            flash(_("Possible duplicate of %(name)s (%(reason)s).", name=flag.other_customer.name,
                    reason=duplicates.reason_label(flag.reason)), "warning")

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs["card"] = customer_card(self.session(), kwargs["model"])
        return super().render(template, **kwargs)


class ContactView(CrmModelView):
    permission_prefix = "crm.contact"
    column_list = ("name", "customer", "title", "mobile", "email", "is_primary")
    column_details_list = ("name", "customer", "title", "department", "mobile", "email", "wechat",
                           "is_primary", "notes")
    column_searchable_list = ("name",)
    column_labels: ClassVar[dict] = {
        "name": _l("Name"), "customer": _l("Customer"), "title": _l("Title"), "department": _l("Department"),
        "mobile": _l("Mobile"), "email": _l("E-mail"), "wechat": _l("WeChat ID"), "id_number": _l("ID number"),
        "is_primary": _l("Primary contact"), "notes": _l("Notes"),
    }
    column_formatters: ClassVar[dict] = {"mobile": masked_mobile}
    form_columns = ("customer", "name", "title", "department", "is_primary", "mobile", "email", "wechat",
                    "id_number", "notes")
    form_overrides: ClassVar[dict] = {"mobile": StringField, "email": StringField, "wechat": StringField,
                      "id_number": StringField}
    form_ajax_refs: ClassVar[dict] = {
        "customer": {"fields": ("name",), "page_size": 20, "placeholder": _l("Choose a customer")}}

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """An exact mobile or e-mail through the blind index, else a name prefix."""
        term = search.strip()
        if PHONE_LIKE.match(term):
            try:
                criterion = Contact.mobile_bidx == mobile_index(term)
            except ValidationFailed:  # not a mobile number: nothing matches
                criterion = Contact.id.is_(None)
        elif "@" in term:
            criterion = Contact.email_bidx == email_index(term)
        else:
            criterion = Contact.name.startswith(term, autoescape=True)
        query = query.filter(criterion)
        count_query = count_query.filter(criterion) if count_query is not None else None
        return query, count_query, joins, count_joins

    def create_form(self, obj=None):
        form = super().create_form(obj)
        customer_id = request.args.get("customer_id", type=int)
        if customer_id and not form.customer.data:
            form.customer.data = self.session().get(Customer, customer_id)
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if is_created:
            self.session().flush()
            for flag in duplicates.flag_contact(self.session(), model):
                flash(_("Possible duplicate of a contact of another record (%(reason)s).",
                        reason=duplicates.reason_label(flag.reason)), "warning")
