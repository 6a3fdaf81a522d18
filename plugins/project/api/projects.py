"""Projects and their workflow."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.api.base import check_version, db, page_of, require
from core.api.schemas import for_update
from plugins.project.api import blp
from plugins.project.models import Project
from plugins.project.operations import projects as ops
from plugins.project.operations import workflow
from plugins.project.operations.tasks import progress_of
from plugins.project.schemas import (
    ProgressSchema,
    ProjectPatchSchema,
    ProjectQuery,
    ProjectSchema,
    TransitionSchema,
)


def search(query: dict):
    """The list, soonest start first; ``q`` is a code or name prefix (index-backed)."""
    stmt = select(Project).order_by(Project.start_at, Project.id)
    term = (query.get("q") or "").strip()
    if term:
        if term.upper().startswith("HW-"):
            stmt = stmt.where(Project.code.startswith(term.upper(), autoescape=True))
        else:
            stmt = stmt.where(func.lower(Project.name).startswith(term.lower(), autoescape=True))
    for key in ("status", "city", "customer_id"):
        if query.get(key) is not None:
            stmt = stmt.where(getattr(Project, key) == query[key])
    return stmt


@blp.route("/projects")
class Projects(MethodView):
    @blp.arguments(ProjectQuery, location="query")
    @blp.response(200, ProjectSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Projects the caller sees, sorted by start."""
        require("project.project.read")
        # The page's checklists and order lines in two queries, not two per project.
        stmt = search(query).options(selectinload(Project.requirements), selectinload(Project.order_lines))
        return page_of(stmt, pagination_parameters)

    @blp.arguments(ProjectSchema)
    @blp.response(201, ProjectSchema)
    def post(self, data):
        """Create a project (status *enquiry*), with its requirement checklist and order lines."""
        require("project.project.create")
        session = db()
        project = ops.create_project(session, data)
        session.commit()
        return project


@blp.route("/projects/<int:project_id>")
class ProjectById(MethodView):
    @blp.response(200, ProjectSchema)
    def get(self, project_id):
        require("project.project.read")
        return ops.get_project(db(), project_id)

    @blp.arguments(for_update(ProjectPatchSchema))
    @blp.response(200, ProjectSchema)
    def patch(self, data, project_id):
        """Change a project; ``version`` must be the one read (409 otherwise)."""
        require("project.project.update")
        session = db()
        project = ops.get_project(session, project_id)
        check_version(project, data.pop("version", None), required=True)
        ops.update_project(session, project, data)
        session.commit()
        return project


@blp.route("/projects/<int:project_id>/transition")
class Transition(MethodView):
    @blp.arguments(TransitionSchema)
    @blp.response(200, ProjectSchema)
    def post(self, data, project_id):
        """Move the project in its workflow; confirming creates and assigns its tasks."""
        require("project.project.read")
        session = db()
        project = workflow.move(session, ops.get_project(session, project_id), data["to"])
        session.commit()
        return project


@blp.route("/projects/<int:project_id>/progress")
class ProjectProgress(MethodView):
    @blp.response(200, ProgressSchema)
    def get(self, project_id):
        require("project.project.read")
        session = db()
        return progress_of(session, ops.get_project(session, project_id).id)
