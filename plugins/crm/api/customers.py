"""Customers and contacts."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from core.api.base import abort_not_found, check_version, db, require
from plugins.crm.api import blp
from plugins.crm.models import Contact
from plugins.crm.operations import customers as ops
from plugins.crm.schemas import (
    ContactCreate,
    ContactOut,
    ContactPatch,
    ContactQuery,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    CustomerQuery,
)


@blp.route("/customers")
class Customers(MethodView):
    @blp.arguments(CustomerQuery, location="query")
    @blp.response(200, CustomerOut(many=True))
    def get(self, query):
        """Customers by name prefix (and segment), sorted by name."""
        require("crm.customer.read")
        return ops.search_customers(db(), query["q"], query["segment"], query["limit"], query["offset"])

    @blp.arguments(CustomerIn)
    @blp.response(201, CustomerOut)
    def post(self, data):
        """Create a customer; possible duplicates come back in ``duplicate_flags``."""
        require("crm.customer.create")
        session = db()
        customer, flags = ops.create_customer(session, data)
        session.commit()
        customer.new_flags = flags
        return customer


@blp.route("/customers/<int:customer_id>")
class CustomerById(MethodView):
    @blp.response(200, CustomerOut)
    def get(self, customer_id):
        require("crm.customer.read")
        return ops.get_customer(db(), customer_id)

    @blp.arguments(CustomerPatch(partial=True))
    @blp.response(200, CustomerOut)
    def patch(self, data, customer_id):
        """Change a customer; ``version`` must be the one read (409 otherwise)."""
        require("crm.customer.update")
        session = db()
        customer = ops.get_customer(session, customer_id)
        check_version(customer, data.pop("version", None))
        ops.update_customer(session, customer, data)
        session.commit()
        return customer

    @blp.response(204)
    def delete(self, customer_id):
        require("crm.customer.delete")
        session = db()
        session.delete(ops.get_customer(session, customer_id))
        session.commit()


@blp.route("/customers/<int:customer_id>/contacts")
class CustomerContacts(MethodView):
    @blp.response(200, ContactOut(many=True))
    def get(self, customer_id):
        require("crm.contact.read")
        return ops.get_customer(db(), customer_id).contacts


@blp.route("/contacts")
class Contacts(MethodView):
    @blp.arguments(ContactQuery, location="query")
    @blp.response(200, ContactOut(many=True))
    def get(self, query):
        """Exact lookup by ``mobile`` or ``email`` (through the blind index), or a customer's contacts."""
        require("crm.contact.read")
        if query["mobile"]:
            return ops.contacts_by_mobile(db(), query["mobile"])
        if query["email"]:
            return ops.contacts_by_email(db(), query["email"])
        stmt = select(Contact).order_by(Contact.id).limit(200)
        if query["customer_id"]:
            stmt = stmt.where(Contact.customer_id == query["customer_id"])
        return db().scalars(stmt).all()

    @blp.arguments(ContactCreate)
    @blp.response(201, ContactOut)
    def post(self, data):
        require("crm.contact.create")
        session = db()
        customer = ops.get_customer(session, data.pop("customer_id"))
        contact, _flags = ops.create_contact(session, customer, data)
        session.commit()
        return contact


@blp.route("/contacts/<int:contact_id>")
class ContactById(MethodView):
    @blp.response(200, ContactOut)
    def get(self, contact_id):
        require("crm.contact.read")
        return db().get(Contact, contact_id) or abort_not_found()

    @blp.arguments(ContactPatch(partial=True))
    @blp.response(200, ContactOut)
    def patch(self, data, contact_id):
        require("crm.contact.update")
        session = db()
        contact = session.get(Contact, contact_id) or abort_not_found()
        check_version(contact, data.pop("version", None))
        for key, value in data.items():
            setattr(contact, key, value)
        session.commit()
        return contact

