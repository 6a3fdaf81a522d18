"""Creating, changing and finding customers and contacts.

``create_customer`` and ``create_contact`` are what the admin, the API and
the import all go through: validation happens in the models' setters,
possible duplicates are flagged, tag rules are re-applied to the customer.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.errors import NotFound, ValidationFailed
from core.events import emit
from plugins.crm.models import Contact, Customer, CustomerStats
from plugins.crm.models.choices import INDUSTRIES, LEVELS, SIZES, SOURCES
from plugins.crm.operations import duplicates, tag_rules
from plugins.crm.operations.sqlfn import name_order
from plugins.crm.operations.validation import email_index, mobile_index

CUSTOMER_FIELDS = ("name", "credit_code", "industry", "size", "province", "city", "address",
                   "source", "level", "account_manager_id", "notes")
CONTACT_FIELDS = ("name", "title", "department", "is_primary", "mobile", "email", "wechat",
                  "id_number", "notes")
_VOCABULARIES = {"industry": INDUSTRIES, "size": SIZES, "source": SOURCES, "level": LEVELS}


def _check_codes(data: dict) -> None:
    for field, vocabulary in _VOCABULARIES.items():
        value = data.get(field)
        if value and value not in vocabulary:
            raise ValidationFailed(_("Unknown value %(value)s.", value=value), field=field)


def _assign(obj, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


def create_customer(session, data: dict, apply_rules: bool = True) -> tuple[Customer, list]:
    """Create a customer; returns it with the duplicate flags raised (saved, not refused)."""
    if not (data.get("name") or "").strip():
        raise ValidationFailed(_("A customer needs a name."), field="name")
    _check_codes(data)
    customer = Customer(level="normal")
    _assign(customer, data, CUSTOMER_FIELDS)
    customer.stats = CustomerStats()
    session.add(customer)
    session.flush()
    flags = duplicates.flag_customer(session, customer)
    if apply_rules:
        tag_rules.apply_rules(session, customer_ids=[customer.id])
    emit(session, "crm.customer_created", customer_id=customer.id, name=customer.name,
         account_manager_id=customer.account_manager_id)
    return customer, flags


def after_customer_saved(session, customer: Customer, created: bool) -> list:
    """What the admin's form save needs after Flask-Admin wrote the row."""
    if customer.stats is None:
        customer.stats = CustomerStats()
    session.flush()
    flags = duplicates.flag_customer(session, customer) if created else []
    tag_rules.apply_rules(session, customer_ids=[customer.id])
    return flags


def update_customer(session, customer: Customer, data: dict) -> Customer:
    _check_codes(data)
    _assign(customer, data, CUSTOMER_FIELDS)
    session.flush()
    tag_rules.apply_rules(session, customer_ids=[customer.id])
    return customer


def get_customer(session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("There is no such customer, or you may not see it."))
    return customer


def create_contact(session, customer: Customer, data: dict) -> tuple[Contact, list]:
    if not (data.get("name") or "").strip():
        raise ValidationFailed(_("A contact needs a name."), field="name")
    contact = Contact(customer=customer)
    _assign(contact, data, CONTACT_FIELDS)
    session.add(contact)
    session.flush()
    return contact, duplicates.flag_contact(session, contact)


def search_customers(session, prefix: str = "", segment: str | None = None, limit: int = 50,
                     offset: int = 0) -> list[Customer]:
    """Customers whose name starts with ``prefix`` (case-insensitive), by name."""
    key = name_order(session, Customer.name)
    stmt = select(Customer).options(selectinload(Customer.stats))
    if prefix:
        stmt = stmt.where(key.startswith(prefix.strip().lower(), autoescape=True))
    if segment:
        stmt = stmt.join(CustomerStats).where(CustomerStats.segment == segment)
    return list(session.scalars(stmt.order_by(key, Customer.id).limit(min(limit, 500)).offset(offset)))


def contacts_by_mobile(session, mobile: str) -> list[Contact]:
    """Exact lookup through the blind index; any accepted spelling of the number works."""
    return list(session.scalars(select(Contact).where(Contact.mobile_bidx == mobile_index(mobile))))


def contacts_by_email(session, email: str) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.email_bidx == email_index(email))))
