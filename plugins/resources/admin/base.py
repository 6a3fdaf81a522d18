"""What every resources admin page shares: template helpers and the company-time conversions of forms."""
from __future__ import annotations

from types import SimpleNamespace

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
