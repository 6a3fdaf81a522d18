"""Possible duplicates, flagged (never refused) when a customer or contact is created.

A customer is a possible duplicate of another with the same credit code, or
whose name is very similar (same name key, or a ratio at or above the
``crm.duplicate_name_similarity`` setting among names sharing its first
characters). A contact is one of another with the same mobile or e-mail.

The search runs past the record rules: two account managers chasing the same
company is exactly what the flag is for.
"""
from __future__ import annotations

from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from plugins.crm.models import Contact, Customer, DuplicateFlag
from plugins.crm.operations.elevated import as_system
from plugins.crm.operations.settings import NAME_SIMILARITY, setting

CANDIDATE_LIMIT = 200
REASONS = {"credit_code": _l("same credit code"), "name": _l("similar name"),
           "mobile": _l("same mobile number"), "email": _l("same e-mail address")}


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def similarity(a: str, b: str) -> int:
    """Percent likeness of two name keys; one holding the other whole counts as 95."""
    if a == b:
        return 100
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return 95
    return round(100 * SequenceMatcher(None, a, b).ratio())


def customer_duplicates(session, customer: Customer) -> list[tuple[Customer, str, int]]:
    """(other customer, reason, score) for each likely twin of ``customer``."""
    found: dict[int, tuple[Customer, str, int]] = {}
    if customer.credit_code:
        for other in session.scalars(select(Customer).where(
                Customer.credit_code == customer.credit_code, Customer.id != customer.id)):
            found[other.id] = (other, "credit_code", 100)
    key = customer.name_key
    if key:
        threshold = setting(session, NAME_SIMILARITY)
        candidates = session.scalars(
            select(Customer)
            .where(Customer.id != customer.id,
                   or_(Customer.name_key == key,
                       Customer.name_key.startswith(key[:4], autoescape=True)))
            .limit(CANDIDATE_LIMIT))
        for other in candidates:
            score = similarity(key, other.name_key)
            if score >= threshold and other.id not in found:
                found[other.id] = (other, "name", score)
    return list(found.values())


def flag_customer(session, customer: Customer) -> list[DuplicateFlag]:
    with as_system(session):
        twins = customer_duplicates(session, customer)
    flags = [DuplicateFlag(customer_id=customer.id, other_customer_id=other.id, reason=reason, score=score)
             for other, reason, score in twins]
    session.add_all(flags)
    return flags


def contact_duplicates(session, contact: Contact) -> list[tuple[Contact, str]]:
    found: dict[int, tuple[Contact, str]] = {}
    for column, value, reason in ((Contact.mobile_bidx, contact.mobile_bidx, "mobile"),
                                  (Contact.email_bidx, contact.email_bidx, "email")):
        if not value:
            continue
        for other in session.scalars(select(Contact).where(column == value, Contact.id != contact.id)):
            found.setdefault(other.id, (other, reason))
    return list(found.values())


def flag_contact(session, contact: Contact) -> list[DuplicateFlag]:
    with as_system(session):
        twins = contact_duplicates(session, contact)
    flags = [DuplicateFlag(customer_id=contact.customer_id, contact_id=contact.id,
                           other_customer_id=other.customer_id, other_contact_id=other.id,
                           reason=reason, score=100)
             for other, reason in twins]
    session.add_all(flags)
    return flags


def open_flags(session, customer_id: int) -> list[DuplicateFlag]:
    return list(session.scalars(select(DuplicateFlag).where(
        DuplicateFlag.customer_id == customer_id, DuplicateFlag.resolved.is_(False))
        .order_by(DuplicateFlag.id)))
