"""The catalogue in the admin: resources (with layouts, packages, acts and parts inline) and suppliers.

The resource's details page shows its photos (and other files attached, with
an upload form), its timeline and how to subscribe to its calendar. Saving goes through ``operations.catalogue_checks`` and the kind's
rules in ``operations.catalogue``, so a refusal names its field and nothing
half-made is stored; a change of buffers, parts or stock rewrites what the
coming bookings occupy (``operations.footprint``) or is refused.
"""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

from datetime import datetime, timedelta

from flask import g, url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from core.errors import DomainError
from core.services.attachments_admin import AttachmentsMixin
from plugins.resources.admin.base import (
    ResourcesModelView,
    choices,
    money_formatter,
    vocabulary_formatter,
    zone,
)
from plugins.resources.models import Act, Layout, Package, Resource
from plugins.resources.models.choices import KINDS, LAYOUTS, PRICING_UNITS, RESOURCE_STATUSES
from plugins.resources.operations import catalogue, catalogue_checks, footprint, photos, timeline, timeline_chart

LABELS = {
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "specification": _l("Specification"),
    "supplier": _l("Supplier"), "unit_price": _l("Price"), "pricing_unit": _l("Pricing unit"),
    "stock": _l("Stock"), "unit_label": _l("Unit"), "status": _l("Status"), "city": _l("City"),
    "location": _l("Location"), "setup_minutes": _l("Set-up (minutes)"), "teardown_minutes": _l("Tear-down (minutes)"),
    "area_m2": _l("Area (m²)"), "floor": _l("Floor"), "facilities": _l("Facilities"), "capacity": _l("Capacity"),
    "min_guests": _l("Fewest guests"), "auto_approve": _l("Approve bookings automatically"), "notes": _l("Notes"),
    "parts": _l("Parts (combined hall)"), "layouts": _l("Capacity per layout"), "packages": _l("Menu packages"),
    "acts": _l("Acts"), "layout": _l("Layout"), "price_per_head": _l("Price per head"),
    "description": _l("Description"), "duration_minutes": _l("Duration (minutes)"), "fee": _l("Fee"),
    "contact_name": _l("Contact"), "phone": _l("Phone"), "email": _l("E-mail"), "address": _l("Address"),
    "active": _l("Active"),
}

#: How far ahead the details page's timeline looks.
DETAILS_DAYS = 14


class ResourceView(AttachmentsMixin, ResourcesModelView):
    permission_prefix = "resources.resource"
    details_template = "resources/resource_details.html"
    column_list = ("code", "name", "kind", "capacity", "stock", "unit_price", "pricing_unit", "status", "city")
    column_details_list = ("code", "name", "kind", "status", "supplier", "specification", "unit_price",
                           "pricing_unit", "stock", "unit_label", "city", "location", "setup_minutes",
                           "teardown_minutes", "area_m2", "floor", "facilities", "capacity", "min_guests",
                           "auto_approve", "parts", "layouts", "packages", "acts", "notes")
    column_sortable_list = ("code", "name", "stock", "unit_price", "status", "city")
    column_default_sort = ("code", False)
    column_searchable_list = ("code", "name")
    column_labels = LABELS
    column_filters = (
        FilterEqual(Resource.kind, _l("Kind"), options=choices(KINDS)),
        FilterEqual(Resource.status, _l("Status"), options=choices(RESOURCE_STATUSES)),
        FilterEqual(Resource.city, _l("City")),
    )
    column_formatters = {"kind": vocabulary_formatter(KINDS), "status": vocabulary_formatter(RESOURCE_STATUSES),
                         "pricing_unit": vocabulary_formatter(PRICING_UNITS), "unit_price": money_formatter,
                         "layouts": lambda _v, _c, m, _n: ", ".join(
                             f"{LAYOUTS.get(x.layout, x.layout)} {x.capacity}" for x in m.layouts),
                         "parts": lambda _v, _c, m, _n: ", ".join(str(p) for p in m.parts)}
    form_columns = ("code", "name", "kind", "status", "supplier", "specification", "unit_price", "pricing_unit",
                    "stock", "unit_label", "city", "location", "setup_minutes", "teardown_minutes", "area_m2",
                    "floor", "facilities", "capacity", "min_guests", "auto_approve", "notes", "parts", "layouts",
                    "packages", "acts")
    form_overrides = {"kind": SelectField, "status": SelectField, "pricing_unit": SelectField}
    form_args = {"kind": {"choices": choices(KINDS)}, "status": {"choices": choices(RESOURCE_STATUSES)},
                 "pricing_unit": {"choices": choices(PRICING_UNITS)},
                 "code": {"validators": [Optional(), Length(max=30)],
                          "description": _l("Left empty, the next free code of the kind is given (VEN-0001).")}}
    form_ajax_refs = {"supplier": {"fields": ("name",), "page_size": 20},
                      "parts": {"fields": ("code", "name"), "page_size": 20}}
    inline_models = (
        (Layout, {"form_columns": ("id", "layout", "capacity"), "column_labels": LABELS,
                  "form_overrides": {"layout": SelectField}, "form_args": {"layout": {"choices": choices(LAYOUTS)}}}),
        (Package, {"form_columns": ("id", "name", "price_per_head", "description"), "column_labels": LABELS}),
        (Act, {"form_columns": ("id", "name", "duration_minutes", "fee"), "column_labels": LABELS}),
    )

    def update_model(self, form, model):
        g.resources_footprint = footprint.snapshot(model)
        return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        session = self.session()
        # The form added the resource (and its inline rows) to the session already: check it
        # without letting a query flush it half-made.
        with session.no_autoflush:
            model.code = (model.code or "").strip().upper()
            if not model.code:
                model.code = catalogue.new_code(session, model.kind)
            catalogue_checks.check_resource(session, model)
            catalogue.check_kind(model)
        if not is_created:
            footprint.keep_true(session, model, g.pop("resources_footprint"))

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs.update(self._details_extra(kwargs["model"]))
        return super().render(template, **kwargs)

    def _details_extra(self, model) -> dict:
        may = g.principal.can
        extra = {"calendar_url": calendar_url(model.id), "token_url": _token_page(),
                 "photos": photos.photos_of(self.session(), model),
                 "may_plan": may("resources.maintenance.create"), "may_view": may("resources.availability.read")}
        if extra["may_view"]:
            session = self.session()
            start = datetime.now(zone()).replace(hour=0, minute=0, second=0, microsecond=0)
            data = timeline.for_resources(session, [model.id], start, start + timedelta(days=DETAILS_DAYS))
            extra.update(timeline=data, chart=timeline_chart.chart_html(
                session, data, url_for("huiwu_charts.plotly_js")))
        return extra

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError) and exc.field == "part_ids":
            exc.field = "parts"
        if isinstance(exc, DomainError) and exc.field in ("layouts", "packages", "acts"):
            # Inline lists have no single field to carry the message: it is flashed.
            exc.field = None
        return super().handle_view_exception(exc)


def calendar_url(resource_id: int) -> str:
    """The feed's address, for a calendar app (it adds ``?token=`` itself)."""
    return url_for("resources_availability.calendar", resource_id=resource_id, _external=True)


def _token_page() -> str | None:
    try:
        return url_for("core_tokens.index_view")
    except BuildError:  # pragma: no cover - the kernel always has it; a safety net for a renamed view
        return None


class SupplierView(ResourcesModelView):
    permission_prefix = "resources.supplier"
    column_list = ("name", "contact_name", "phone", "email", "active")
    column_sortable_list = ("name", "contact_name", "active")
    column_details_list = ("name", "contact_name", "phone", "email", "address", "notes", "active")
    column_searchable_list = ("name",)
    column_default_sort = ("name", False)
    column_labels = LABELS
    form_columns = ("name", "contact_name", "phone", "email", "address", "notes", "active")
    form_overrides = {"phone": StringField, "email": StringField}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        with self.session().no_autoflush:
            catalogue_checks.check_supplier(self.session(), model)
