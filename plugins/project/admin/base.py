"""What every project admin view shares: its templates, helpers and time conversion."""
from __future__ import annotations

from types import SimpleNamespace

from core.admin import SecureModelView, SecureView
from core.admin.formatting import (  # noqa: F401  (the project's pages import them from here)
    instant_formatter,
    money,
    to_instant,
    to_local,
    vocabulary_formatter,
    when,
    zone,
)
from plugins.project.models.choices import (
    CHANGE_KINDS,
    CHANGE_STATUSES,
    PROJECT_TYPES,
    REQUIREMENT_CATEGORIES,
    STATUSES,
    TASK_STATUSES,
    label,
)

_VOCABULARIES = {"status": STATUSES, "type": PROJECT_TYPES, "task_status": TASK_STATUSES,
                 "category": REQUIREMENT_CATEGORIES, "change_kind": CHANGE_KINDS, "change_status": CHANGE_STATUSES}


class ProjectTemplates:
    """Hand ``project/...`` templates the ``pj`` helpers (the kernel finds the templates)."""

    def render(self, template, **kwargs):
        kwargs.setdefault("pj", HELPERS)
        return super().render(template, **kwargs)


class ProjectModelView(ProjectTemplates, SecureModelView):
    pass


class ProjectPage(ProjectTemplates, SecureView):
    pass


HELPERS = SimpleNamespace(when=when, money=money,
                          label=lambda vocabulary, code: label(_VOCABULARIES[vocabulary], code))
