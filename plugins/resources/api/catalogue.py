"""Resources and suppliers."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.api.base import check_version, db, page_of, require
from core.api.schemas import for_update
from plugins.resources.api import blp
from plugins.resources.models import Resource, Supplier
from plugins.resources.operations import catalogue as ops
from plugins.resources.operations import suppliers
from plugins.resources.schemas import ResourceDetailsSchema, ResourceQuery, ResourceSchema, SupplierSchema


def search(query: dict):
    """Resources by code then name; ``q`` is a code prefix or a part of the name."""
    stmt = select(Resource).order_by(Resource.code)
    term = (query.get("q") or "").strip()
    if term:
        stmt = stmt.where(or_(Resource.code.startswith(term.upper(), autoescape=True),
                              func.lower(Resource.name).contains(term.lower(), autoescape=True)))
    for key in ("kind", "status", "city", "supplier_id"):
        if query.get(key) is not None:
            stmt = stmt.where(getattr(Resource, key) == query[key])
    return stmt


@blp.route("/resources")
class Resources(MethodView):
    @blp.arguments(ResourceQuery, location="query")
    @blp.response(200, ResourceSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """The catalogue, filtered."""
        require("resources.resource.read")
        stmt = search(query).options(selectinload(Resource.layouts), selectinload(Resource.packages),
                                     selectinload(Resource.acts), selectinload(Resource.parts))
        return page_of(stmt, pagination_parameters)

    @blp.arguments(ResourceSchema)
    @blp.response(201, ResourceSchema)
    def post(self, data):
        """Add a resource; the rules of its kind apply (a venue needs a layout, a caterer packages ...)."""
        require("resources.resource.create")
        session = db()
        resource = ops.create_resource(session, data)
        session.commit()
        return resource


@blp.route("/resources/<int:resource_id>")
class ResourceById(MethodView):
    @blp.response(200, ResourceDetailsSchema)
    def get(self, resource_id):
        require("resources.resource.read")
        return ops.get_resource(db(), resource_id)

    @blp.arguments(for_update(ResourceSchema))
    @blp.response(200, ResourceSchema)
    def patch(self, data, resource_id):
        """Change a resource; ``version`` must be the one read (409 otherwise)."""
        require("resources.resource.update")
        session = db()
        resource = ops.get_resource(session, resource_id)
        check_version(resource, data.pop("version", None), required=True)
        ops.update_resource(session, resource, data)
        session.commit()
        return resource


@blp.route("/suppliers")
class Suppliers(MethodView):
    @blp.response(200, SupplierSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        require("resources.supplier.read")
        return page_of(select(Supplier).order_by(Supplier.name, Supplier.id), pagination_parameters)

    @blp.arguments(SupplierSchema)
    @blp.response(201, SupplierSchema)
    def post(self, data):
        require("resources.supplier.create")
        session = db()
        supplier = suppliers.create_supplier(session, data)
        session.commit()
        return supplier


@blp.route("/suppliers/<int:supplier_id>")
class SupplierById(MethodView):
    @blp.response(200, SupplierSchema)
    def get(self, supplier_id):
        require("resources.supplier.read")
        return suppliers.get_supplier(db(), supplier_id)

    @blp.arguments(for_update(SupplierSchema))
    @blp.response(200, SupplierSchema)
    def patch(self, data, supplier_id):
        require("resources.supplier.update")
        session = db()
        supplier = suppliers.get_supplier(session, supplier_id)
        check_version(supplier, data.pop("version", None), required=True)
        suppliers.update_supplier(session, supplier, data)
        session.commit()
        return supplier

    @blp.response(204)
    def delete(self, supplier_id):
        """Delete a supplier no resource refers to (409 otherwise: make it inactive instead)."""
        require("resources.supplier.delete")
        session = db()
        suppliers.delete_supplier(session, suppliers.get_supplier(session, supplier_id))
        session.commit()
