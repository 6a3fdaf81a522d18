"""Needs of projects, and allocations: propose, read, apply."""
from __future__ import annotations

from flask.views import MethodView

from core.api.base import check_version, db, page_of, require
from core.api.schemas import for_update
from core.errors import Conflict
from plugins.resources.api import blp
from plugins.resources.operations import allocation_apply, allocation_runs, needs
from plugins.resources.schemas import (
    AllocationAppliedSchema,
    AllocationRequestSchema,
    AllocationRunSchema,
    NeedChangeSchema,
    NeedQuery,
    NeedSchema,
)


@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(NeedQuery, location="query")
    @blp.response(200, NeedSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Needs of the projects the caller sees, soonest first."""
        require("resources.need.read")
        return page_of(needs.search(**query), pagination_parameters)

    @blp.arguments(NeedSchema)
    @blp.response(201, NeedSchema)
    def post(self, data):
        """Add a need to a project; the allocator will choose its resource."""
        require("resources.need.create")
        session = db()
        need = needs.create_need(session, data)
        session.commit()
        return need


@blp.route("/needs/<int:need_id>")
class NeedById(MethodView):
    @blp.response(200, NeedSchema)
    def get(self, need_id):
        require("resources.need.read")
        return needs.get_need(db(), need_id)

    @blp.arguments(for_update(NeedChangeSchema))
    @blp.response(200, NeedSchema)
    def patch(self, data, need_id):
        """Change an open need; ``version`` must be the one read (409 otherwise)."""
        require("resources.need.update")
        session = db()
        need = needs.get_need(session, need_id)
        check_version(need, data.pop("version", None), required=True)
        needs.update_need(session, need, data)
        session.commit()
        return need

    @blp.response(204)
    def delete(self, need_id):
        require("resources.need.delete")
        session = db()
        needs.delete_need(session, needs.get_need(session, need_id))
        session.commit()


@blp.route("/needs/<int:need_id>/cancel")
class CancelNeed(MethodView):
    @blp.response(200, NeedSchema)
    def post(self, need_id):
        require("resources.need.update")
        session = db()
        need = needs.cancel_need(session, needs.get_need(session, need_id))
        session.commit()
        return need


@blp.route("/allocations")
class Allocations(MethodView):
    @blp.arguments(AllocationRequestSchema)
    @blp.response(201, AllocationRunSchema)
    def post(self, data):
        """Propose an allocation: one project's needs, or every pending request of some kinds in a period.

        Nothing is booked; the proposal is kept (its ``id``) to be read and applied.
        """
        require("resources.allocation.run")
        session = db()
        run = allocation_runs.propose(session, data)
        session.commit()
        return allocation_runs.summary(run)


@blp.route("/allocations/<int:run_id>")
class AllocationById(MethodView):
    @blp.response(200, AllocationRunSchema)
    def get(self, run_id):
        require("resources.allocation.run")
        return allocation_runs.summary(allocation_runs.get_run(db(), run_id))


@blp.route("/allocations/<int:run_id>/apply")
class ApplyAllocation(MethodView):
    @blp.response(200, AllocationAppliedSchema)
    def post(self, run_id):
        """Book and move what the proposal says, all in one transaction.

        409 when anything no longer fits (the message names the request and
        what stands in its way): nothing is booked, the proposal is marked
        stale, and a new one should be made.
        """
        require("resources.allocation.apply")
        session = db()
        run = allocation_runs.get_run(session, run_id)
        try:
            done = allocation_apply.apply_run(session, run)
        except Conflict:
            session.commit()  # keeps the stale mark; nothing of the proposal was written
            raise
        session.commit()
        return {"run": allocation_runs.summary(run),
                "bookings": [{"request": d.key, "action": d.action, "booking": d.booking} for d in done]}
