"""Bookings in the admin: the list, the details with their buttons and contracts, and the booking form.

The form is what the availability page's "Book" link opens, filled in from
its query (``resource_id``, ``starts_at``, ``ends_at`` in ISO 8601,
``quantity``, ``guests``, ``layout``; ``project_id`` too). Saving asks
``operations.booking_flow.request_booking``: a request, a hold, or a place
on the waiting list when the slot is taken. Bookings are never edited or
deleted as rows: they are changed, approved, rejected or cancelled through
the buttons of their details page (``booking_actions``).

The list never counts the table, loads the resources of a page in one query
and names the projects of a page in another (``booking_details``).
"""
# ruff: noqa: RUF012  (Flask-Admin is configured with class-level dicts it never mutates)
from __future__ import annotations

import re

from flask import flash, g, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import DateTimeField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from core.admin.filters import OverlapsDaysFilter
from core.errors import DomainError
from core.security.models import User
from plugins.project.models import Project
from plugins.resources.admin.base import (
    ResourcesModelView,
    choices,
    money,
    money_formatter,
    to_instant,
    vocabulary_formatter,
    when,
)
from plugins.resources.admin.booking_actions import BookingActions, status_text
from plugins.resources.admin.booking_forms import (
    FORM_LABELS,
    LABELS,
    MODES,
    TIME_FORMAT,
    TIME_HINT,
    arg_instant,
    layout_choices,
    show_refusal,
)
from plugins.resources.models import Act, Booking, Package, Resource
from plugins.resources.models.choices import BOOKING_STATUSES, LAYOUTS
from plugins.resources.operations import attention, booking_details, booking_flow, contract_files
from plugins.resources.operations.booking_input import FINISHED_PROJECT_STATUSES, MAX_DURATION
from plugins.resources.operations.timefmt import span_text

#: Plain tables: a filter by code must not be limited by the project rule the booking rule already covers.
_PROJECTS = Project.__table__.alias("filter_project")
_RESOURCES = Resource.__table__.alias("filter_resource")


class ProjectCodeFilter(FilterEqual):
    def apply(self, query, value, alias=None):
        return query.filter(Booking.project_id.in_(
            select(_PROJECTS.c.id).where(_PROJECTS.c.code == value.strip().upper())))


class ResourceCodeFilter(FilterEqual):
    def apply(self, query, value, alias=None):
        return query.filter(Booking.resource_id.in_(
            select(_RESOURCES.c.id).where(_RESOURCES.c.code == value.strip().upper())))


class RunningProjects(QueryAjaxModelLoader):
    """The projects the user sees (the session's rules) that still take bookings."""

    def get_query(self):
        return super().get_query().filter(Project.status.notin_(FINISHED_PROJECT_STATUSES))


def project_cell(view, _context, model, _name):
    return view.project_title(model.project_id)


def window_cell(view, _context, model, _name):
    return span_text(view.session(), model.starts_at, model.ends_at)


def instant_cell(_view, _context, model, name):
    return when(getattr(model, name))


def rank_cell(_view, _context, model, _name):
    if model.status != "waitlisted":
        return ""
    return _("%(rank)s (the booking holding the slot is 1)", rank=model.rank)


def user_cell(view, _context, model, name):
    user = view.session.get(User, getattr(model, name)) if getattr(model, name) else None
    return str(user) if user is not None else ""


def attention_cell(_view, _context, model, _name):
    return Markup('<span class="badge badge-warning">%s</span>') % _("Needs attention") if model.flagged else ""


def alternatives_cell(view, _context, model, _name):
    """Each free alternative with a link that books it for the same project and window."""
    items = []
    for alt in attention.alternatives_of(model):
        link = url_for(".create_view", resource_id=alt["resource_id"], project_id=model.project_id,
                       starts_at=alt["starts_at"], ends_at=alt["ends_at"], quantity=model.quantity,
                       guests=model.guests or "", layout=model.layout or "")
        items.append(Markup('<li><a class="alternative" href="%s">%s %s</a> · %s</li>')
                     % (link, alt["code"], alt["name"], alt.get("city") or ""))
    return Markup('<ul class="mb-0">%s</ul>') % Markup("").join(items) if items else ""


def offer_label(offer: Package | Act) -> str:
    return f"{offer.resource} · {offer.name}"


#: ``BK-2030-000001``: searched for by equality, which every database answers from the unique index
#: (a prefix is a LIKE, which PostgreSQL answers from it only under the "C" collation).
WHOLE_CODE = re.compile(r"^BK-\d{4}-\d{6,}$")

#: Details rows shown only when they say something (a hold's expiry, a rejection's reason ...).
WHEN_SET = frozenset({"guests", "layout", "package", "act", "notes", "rank", "hold_expires_at", "approved_by",
                      "confirmed_at", "closed_at", "reason", "flagged", "alternatives"})


def _is_set(model, name: str) -> bool:
    if name == "rank":
        return model.status == "waitlisted"
    return getattr(model, name) not in (None, "", False)


class BookingView(BookingActions, ResourcesModelView):
    permission_prefix = "resources.booking"
    details_template = "resources/booking_details.html"
    column_list = ("code", "project", "resource", "starts_at", "quantity", "status", "flagged", "total")
    column_details_list = ("code", "status", "project", "resource", "starts_at", "quantity", "guests", "layout",
                           "package", "act", "notes", "rank", "hold_expires_at", "approved_by", "confirmed_at",
                           "closed_at", "reason", "flagged", "alternatives", "unit_price", "subtotal", "tax",
                           "total", "created_by_id", "created_at")
    column_export_list = ("code", "project_id", "resource_id", "starts_at", "ends_at", "quantity", "guests",
                          "layout", "status", "subtotal", "tax", "total")
    column_sortable_list = ("code", "starts_at", "quantity", "status", "total")
    column_default_sort = ("id", True)
    column_searchable_list = ("code",)
    column_labels = {**LABELS, "project_id": _l("Project id"), "resource_id": _l("Resource id")}
    #: Resources are loaded for a page at once in ``get_query``; projects are named by ``project_title``.
    column_auto_select_related = False
    column_filters = (
        FilterEqual(Booking.status, _l("Status"), options=choices(BOOKING_STATUSES)),
        ResourceCodeFilter(Booking.resource_id, _l("Resource code")),
        ProjectCodeFilter(Booking.project_id, _l("Project code")),
        OverlapsDaysFilter(Booking.starts_at, Booking.ends_at, _l("In use between"), longest=MAX_DURATION),
        BooleanEqualFilter(Booking.flagged, _l("Needs attention")),
    )
    column_formatters = {
        "project": project_cell, "starts_at": window_cell, "status": vocabulary_formatter(BOOKING_STATUSES),
        "layout": vocabulary_formatter(LAYOUTS), "total": money_formatter, "subtotal": money_formatter,
        "tax": money_formatter, "unit_price": money_formatter, "rank": rank_cell,
        "hold_expires_at": instant_cell, "confirmed_at": instant_cell, "closed_at": instant_cell,
        "created_by_id": user_cell, "flagged": attention_cell, "alternatives": alternatives_cell,
    }
    column_formatters_export = {"status": vocabulary_formatter(BOOKING_STATUSES),
                                "layout": vocabulary_formatter(LAYOUTS)}
    form_columns = ("project", "resource", "starts_at", "ends_at", "quantity", "guests", "layout", "package",
                    "act", "notes", "mode")
    form_overrides = {"starts_at": DateTimeField, "ends_at": DateTimeField, "layout": SelectField,
                      "notes": TextAreaField}
    form_args = {
        "starts_at": {"label": _l("Starts at"), "format": TIME_FORMAT, "validators": [InputRequired()],
                      "description": TIME_HINT},
        "ends_at": {"format": TIME_FORMAT, "validators": [InputRequired()], "description": TIME_HINT},
        "quantity": {"validators": [Optional()]},
        "guests": {"validators": [Optional()]},
        "layout": {"choices": layout_choices, "default": ""},
        "package": {"allow_blank": True}, "act": {"allow_blank": True},
    }
    form_extra_fields = {"mode": SelectField(LABELS["mode"], choices=list(MODES.items()), default="request")}

    def __init__(self, model, session, **kwargs):
        self.form_ajax_refs = {
            "project": RunningProjects("project", session, Project, fields=("code", "name"), page_size=20,
                                       placeholder=_l("Choose a project")),
            "resource": {"fields": ("code", "name"), "page_size": 20, "placeholder": _l("Choose a resource")},
        }
        super().__init__(model, session, **kwargs)

    # Bookings change through the workflow's buttons, never as rows.
    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

    # -- the list ------------------------------------------------------------------

    def get_query(self):
        return super().get_query().options(selectinload(Booking.resource))

    def get_list(self, page, sort_field, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(page, sort_field, sort_desc, search, filters, execute, page_size)
        if execute:
            self._titles().update(booking_details.project_titles(self.session(), [r.project_id for r in rows]))
        return count, rows

    def get_export_columns(self):
        """The list's "Window" is the start alone in a file that has the end beside it."""
        return [(name, FORM_LABELS[name] if name == "starts_at" else text)
                for name, text in super().get_export_columns()]

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """A whole booking code through its unique index, or a prefix of one (``BK-2030-``)."""
        term = search.strip().upper()
        if WHOLE_CODE.match(term):
            criterion = Booking.code == term
        else:
            criterion = Booking.code.startswith(term, autoescape=True)
        query = query.filter(criterion)
        count_query = count_query.filter(criterion) if count_query is not None else None
        return query, count_query, joins, count_joins

    @staticmethod
    def _titles() -> dict:
        return g.setdefault("resources_project_titles", {})

    def project_title(self, project_id: int) -> str:
        titles = self._titles()
        if project_id not in titles:
            titles.update(booking_details.project_titles(self.session(), [project_id]))
        return titles.get(project_id, "")

    # -- details -------------------------------------------------------------------

    @expose("/details/")
    def details_view(self):
        """A booking one may not see is not found (404), as in the API."""
        self._visible(request.args.get("id", ""))
        return super().details_view()

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            model = kwargs["model"]
            kwargs["details_columns"] = [(name, text) for name, text in kwargs.get("details_columns", ())
                                         if name not in WHEN_SET or _is_set(model, name)]
            kwargs.update(self._details_extra(model))
        return super().render(template, **kwargs)

    def _details_extra(self, booking) -> dict:
        session = self.session()
        may_read = g.principal.can("resources.contract.read")
        found = contract_files.versions(session, booking.id) if may_read else []
        return {"fees": booking_details.fees(session, booking), "buttons": self.buttons(booking),
                "may_change": self.may_change(booking), "may_read_contracts": may_read, "contracts": found,
                "contract_pending": contract_files.being_prepared(booking, found),
                "contract_url": self.contract_url, "money": money}

    # -- the booking form ------------------------------------------------------------

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET":
            self._prefill(form)
        self._offers(form)
        return form

    def _prefill(self, form) -> None:
        """Fill the form from the link that opened it (the availability page's "Book")."""
        session, args = self.session(), request.args
        resource_id, project_id = args.get("resource_id", type=int), args.get("project_id", type=int)
        if resource_id:
            form.resource.data = session.get(Resource, resource_id)
        if project_id:
            form.project.data = session.execute(select(Project).where(Project.id == project_id)).scalar()
        form.starts_at.data = arg_instant(args.get("starts_at")) or form.starts_at.data
        form.ends_at.data = arg_instant(args.get("ends_at")) or form.ends_at.data
        form.quantity.data = args.get("quantity", type=int) or form.quantity.data
        form.guests.data = args.get("guests", type=int) or form.guests.data
        if args.get("layout") in LAYOUTS:
            form.layout.data = args["layout"]

    def _offers(self, form) -> None:
        """Packages and acts of the chosen resource only (of all, named with theirs, while none is chosen)."""
        resource = form.resource.data
        if resource is None:
            session = self.session()
            for name, model in (("package", Package), ("act", Act)):
                field = form[name]
                field.query = session.scalars(select(model).options(joinedload(model.resource))
                                              .order_by(model.resource_id, model.id)).all()
                field.get_label = offer_label
            return
        for name, rows in (("package", resource.packages), ("act", resource.acts)):
            if rows:
                form[name].query = list(rows)
            else:
                del form[name]
        if resource.layouts:
            offered = {row.layout for row in resource.layouts}
            form.layout.choices = [(code, text) for code, text in layout_choices() if not code or code in offered]

    def create_model(self, form):
        session = self.session()
        mode = form.mode.data
        try:
            booking = booking_flow.request_booking(session, self._request(form), hold=mode == "hold",
                                                   waitlist=mode == "waitlist")
            session.commit()
        except DomainError as exc:
            session.rollback()
            show_refusal(form, exc)
            return False
        flash(status_text(booking), "success")
        self.after_model_change(form, booking, True)
        return booking

    @staticmethod
    def _request(form) -> dict:
        def id_of(name):
            field = form._fields.get(name)
            return field.data.id if field is not None and field.data is not None else None

        return {"project_id": id_of("project"), "resource_id": id_of("resource"),
                "starts_at": to_instant(form.starts_at.data), "ends_at": to_instant(form.ends_at.data),
                "quantity": form.quantity.data, "guests": form.guests.data, "layout": form.layout.data or None,
                "package_id": id_of("package"), "act_id": id_of("act"), "notes": form.notes.data}

    def get_save_return_url(self, model, is_created=False):
        return url_for(".details_view", id=model.id)
