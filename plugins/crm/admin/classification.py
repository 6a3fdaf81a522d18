"""Tags, tag rules, playbooks and duplicate flags in the admin."""
from __future__ import annotations

from typing import ClassVar

from flask import flash
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from plugins.crm.admin.base import (
    CrmModelView,
    instant_formatter,
    select_field,
    vocabulary_formatter,
)
from plugins.crm.models import TagCondition
from plugins.crm.models.choices import SEGMENTS
from plugins.crm.operations import duplicates, tag_rules
from plugins.crm.operations.elevated import as_system


class TagView(CrmModelView):
    permission_prefix = "crm.tag"
    column_list = ("name", "color", "description")
    column_labels: ClassVar[dict] = {"name": _l("Name"), "color": _l("Colour"), "description": _l("Description")}
    form_columns = ("name", "color", "description")
    form_overrides: ClassVar[dict] = {"color": SelectField}
    form_args: ClassVar[dict] = {"color": select_field([(c, c) for c in ("primary", "secondary", "success", "danger",
                                                          "warning", "info", "dark")], blank=False)}


class TagRuleView(CrmModelView):
    """Administrators write conditions; saving checks them and re-tags every customer."""

    permission_prefix = "crm.tag"
    column_list = ("name", "tag", "active", "match", "conditions", "last_applied_at", "last_matched")
    column_labels: ClassVar[dict] = {"name": _l("Name"), "tag": _l("Tag"), "active": _l("Active"),
                     "match": _l("Conditions to meet"), "conditions": _l("Conditions"),
                     "last_applied_at": _l("Last applied"), "last_matched": _l("Customers tagged")}
    column_formatters: ClassVar[dict] = {"last_applied_at": instant_formatter,
                         "match": lambda _v, _c, m, _n: _("all") if m.match == "all" else _("any"),
                         "conditions": lambda _v, _c, m, _n: "; ".join(_describe(c) for c in m.conditions)}
    form_columns = ("name", "tag", "active", "match", "conditions")
    form_overrides: ClassVar[dict] = {"match": SelectField}
    form_args: ClassVar[dict] = {"match": select_field({"all": _l("All conditions"), "any": _l("Any condition")}, blank=False)}
    inline_models: ClassVar[list] = [(TagCondition, {
        "form_columns": ("id", "field", "operator", "value", "months"),
        "form_overrides": {"field": SelectField, "operator": SelectField},
        "form_args": {"field": {"label": _l("Field"), **select_field(tag_rules.FIELD_LABELS, blank=False)},
                      "operator": {"label": _l("Operator"),
                                   **select_field(tag_rules.OPERATOR_LABELS, blank=False)},
                      "value": {"label": _l("Value")},
                      "months": {"label": _l("Look back (months, spend and meetings only)")}},
    })]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        tag_rules.validate_rule(self.session(), model)

    def after_model_change(self, form, model, is_created):
        session = self.session()
        with as_system(session):
            counts = tag_rules.apply_rules(session, rules=[model])
        session.commit()
        flash(_("The rule tags %(n)d customers.", n=counts.get(model.id, 0)), "success")


def _describe(condition) -> str:
    window = _(" (last %(n)d months)", n=condition.months) if condition.months else ""
    return (f"{tag_rules.FIELD_LABELS.get(condition.field, condition.field)}{window} "
            f"{tag_rules.OPERATOR_LABELS.get(condition.operator, condition.operator)} {condition.value}")


class PlaybookView(CrmModelView):
    permission_prefix = "crm.segment"
    column_list = ("segment", "strategy", "action", "due_days", "on_entry")
    column_labels: ClassVar[dict] = {"segment": _l("Segment"), "strategy": _l("Strategy"), "action": _l("Follow-up task"),
                     "due_days": _l("Due in (days)"), "on_entry": _l("Give task on entry")}
    column_formatters: ClassVar[dict] = {"segment": vocabulary_formatter(SEGMENTS)}
    form_columns = ("strategy", "action", "due_days", "on_entry")


class DuplicateFlagView(CrmModelView):
    permission_prefix = "crm.customer"
    column_list = ("created_at", "customer", "other_customer", "reason", "score", "resolved")
    column_default_sort = ("created_at", True)
    column_filters = ("resolved", "reason")
    column_labels: ClassVar[dict] = {"created_at": _l("Flagged at"), "customer": _l("Customer"),
                     "other_customer": _l("Possible duplicate of"), "reason": _l("Reason"),
                     "score": _l("Similarity (%)"), "resolved": _l("Resolved")}
    column_formatters: ClassVar[dict] = {"created_at": instant_formatter,
                         "reason": lambda _v, _c, m, _n: duplicates.reason_label(m.reason)}
    form_columns = ("resolved",)
    can_create = can_delete = False

    def is_action_allowed(self, name):
        return self._may("update") and super().is_action_allowed(name)

    @action("resolve", _l("Mark resolved"))
    def action_resolve(self, ids):
        session = self.session()
        for flag in self.get_query().filter(self.model.id.in_([int(i) for i in ids])).all():
            flag.resolved = True
        session.commit()
        flash(_("%(n)d flags resolved.", n=len(ids)), "success")
