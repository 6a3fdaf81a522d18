"""What every resources admin page shares: template helpers and the company-time conversions of forms."""
from __future__ import annotations

from types import SimpleNamespace
from typing import ClassVar

from flask import flash, g

from core.admin import SecureModelView, SecureView
from core.admin.formatting import (  # noqa: F401  (the resources pages import them from here)
    choices,
    label,
    money,
    money_formatter,
    to_instant,
    to_local,
    vocabulary_formatter,
    when,
    zone,
)
from core.errors import DomainError
from plugins.resources.models.choices import BOOKING_STATUSES, KINDS, LAYOUTS, PRICING_UNITS, RESOURCE_STATUSES

VOCABULARIES = {"kind": KINDS, "layout": LAYOUTS, "pricing_unit": PRICING_UNITS, "status": RESOURCE_STATUSES,
                "booking_status": BOOKING_STATUSES}


HELPERS = SimpleNamespace(when=when, money=money,
                          label=lambda vocabulary, code: label(VOCABULARIES[vocabulary], code))


class ResourcesTemplates:
    """Hand ``resources/...`` templates the ``rs`` helpers."""

    def render(self, template, **kwargs):
        kwargs.setdefault("rs", HELPERS)
        return super().render(template, **kwargs)


class ResourcesModelView(ResourcesTemplates, SecureModelView):
    pass


class ResourcesPage(ResourcesTemplates, SecureView):
    pass


class OperationsModelView(ResourcesModelView):
    """A list whose rows the plugin's operations write, never the form: ``create_row``, ``update_row``
    and ``delete_row`` call them; a refusal is shown next to its field and flashed, and nothing is
    written; a stale page gets the kernel's conflict message."""

    #: The operations' name of a field -> the form's, where they differ (``resource_id`` -> ``resource``).
    form_fields: ClassVar[dict[str, str]] = {}

    def create_row(self, session, form):
        raise NotImplementedError

    def update_row(self, session, model, form) -> None:
        raise NotImplementedError

    def delete_row(self, session, model) -> None:
        raise NotImplementedError

    def create_model(self, form):
        g.huiwu_admin_form = form
        try:
            row = self.create_row(self.session(), form)
            self.session.commit()
        except DomainError as exc:
            return self._refused(form, exc)
        self.after_model_change(form, row, True)
        return row

    def update_model(self, form, model):
        if self.refuse_stale(form, model):
            return False
        try:
            self.update_row(self.session(), model, form)
            self.session.commit()
        except DomainError as exc:
            return self._refused(form, exc)
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model):
        try:
            self.delete_row(self.session(), model)
            self.session.commit()
        except DomainError as exc:
            self.session.rollback()
            flash(str(exc.message), "error")
            return False
        self.after_model_delete(model)
        return True

    def _refused(self, form, exc: DomainError) -> bool:
        self.session.rollback()
        name = exc.field or ""
        field = form._fields.get(self.form_fields.get(name, name))
        if field is not None:
            field.errors = list(field.errors) + [str(exc.message)]
        flash(str(exc.message), "error")
        return False
