"""What the CRM lets people do, the roles that bundle it, and who sees which customer.

Account managers see the customers they manage (and everything hanging off
them) unless they hold ``crm.customer.read_all``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.security import Permission, RecordRule, RoleSpec
from plugins.crm.models import (
    Communication,
    Contact,
    Customer,
    CustomerStats,
    CustomerTag,
    DuplicateFlag,
    Feedback,
    Meeting,
    Preference,
    SegmentChange,
    Spend,
)

ACTIONS = ("read", "create", "update", "delete", "export")


def _crud(obj: str, title, actions=ACTIONS) -> list[Permission]:
    labels = {"read": _l("read"), "create": _l("create"), "update": _l("update"),
              "delete": _l("delete"), "export": _l("export")}
    return [Permission(f"crm.{obj}.{a}", _l("%(object)s: %(action)s", object=title, action=labels[a]))
            for a in actions]


PERMISSIONS = [
    *_crud("customer", _l("Customers")),
    Permission("crm.customer.read_all", _l("Customers: see every account manager's")),
    Permission("crm.customer.import", _l("Customers: import from Excel")),
    *_crud("contact", _l("Contacts")),
    *_crud("communication", _l("Communication records"), ("read", "create", "update", "delete")),
    *_crud("feedback", _l("Feedback"), ("read", "create", "update", "delete")),
    *_crud("tag", _l("Tags and tag rules"), ("read", "create", "update", "delete")),
    Permission("crm.segment.read", _l("Segments: read")),
    Permission("crm.segment.recompute", _l("Segments: recompute now")),
    Permission("crm.segment.update", _l("Segments: edit playbooks and run follow-ups")),
    Permission("crm.segment.export", _l("Segments: export campaign lists")),
]

_MANAGER = (
    "crm.customer.read", "crm.customer.create", "crm.customer.update", "crm.customer.export",
    "crm.contact.read", "crm.contact.create", "crm.contact.update", "crm.contact.delete",
    "crm.contact.export", "crm.communication.read", "crm.communication.create",
    "crm.communication.update", "crm.feedback.read", "crm.feedback.create", "crm.feedback.update",
    "crm.tag.read", "crm.segment.read", "crm.segment.export",
)

ROLES = [
    RoleSpec("account_manager", _l("Account manager"), _MANAGER,
             _l("Keeps their own customers, contacts and communication records.")),
    RoleSpec("crm_manager", _l("Head of customer service"), tuple(p.id for p in PERMISSIONS),
             _l("Sees every customer; writes tag rules and playbooks; imports and exports.")),
    RoleSpec("administrator", _l("Administrator"), tuple(p.id for p in PERMISSIONS)),
]


#: An alias, so the subquery never correlates with a query that already joins customers.
_C = Customer.__table__.alias("rule_customer")


def own_customer_ids(principal):
    return select(_C.c.id).where(_C.c.account_manager_id == principal.user_id)


def _own_customers(principal):
    return Customer.account_manager_id == principal.user_id


def _through_customer(model):
    return lambda principal: model.customer_id.in_(own_customer_ids(principal))


_UNLESS = "crm.customer.read_all"
_TITLE = _l("Account managers see their own customers")

RECORD_RULES = [RecordRule(Customer, _own_customers, unless=_UNLESS, title=_TITLE)] + [
    RecordRule(model, _through_customer(model), unless=_UNLESS, title=_TITLE)
    for model in (CustomerStats, Preference, Contact, Meeting, Spend, Feedback, Communication,
                  CustomerTag, SegmentChange, DuplicateFlag)
]
