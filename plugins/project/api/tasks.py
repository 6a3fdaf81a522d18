"""Tasks and their progress updates."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from core.api.base import check_version, db, page_of, require
from core.api.schemas import for_update
from plugins.project.api import blp
from plugins.project.models import Task, TaskUpdate
from plugins.project.operations import tasks as ops
from plugins.project.operations.common import get_or_404
from plugins.project.schemas import ProgressUpdateSchema, TaskQuery, TaskSchema


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, TaskSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Tasks the caller sees, soonest due first; ``mine`` for the caller's own."""
        who = require("project.task.read")
        stmt = select(Task).order_by(Task.due_at, Task.id)
        if query["project_id"]:
            stmt = stmt.where(Task.project_id == query["project_id"])
        if query["status"]:
            stmt = stmt.where(Task.status == query["status"])
        if query["mine"]:
            stmt = stmt.where(Task.assignee_id == who.user_id)
        return page_of(stmt, pagination_parameters)


@blp.route("/tasks/<int:task_id>")
class TaskById(MethodView):
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        require("project.task.read")
        return get_or_404(db(), Task, task_id)

    @blp.arguments(for_update(TaskSchema))
    @blp.response(200, TaskSchema)
    def patch(self, data, task_id):
        """Reassign the task (``assignee_id``; null for nobody)."""
        require("project.task.assign")
        session = db()
        task = get_or_404(session, Task, task_id)
        check_version(task, data.pop("version", None), required=True)
        if "assignee_id" in data:
            ops.reassign(session, task, data["assignee_id"])
        session.commit()
        return task


@blp.route("/tasks/<int:task_id>/updates")
class TaskUpdates(MethodView):
    @blp.response(200, ProgressUpdateSchema(many=True))
    def get(self, task_id):
        require("project.task.read")
        session = db()
        task = get_or_404(session, Task, task_id)
        return list(session.scalars(select(TaskUpdate).where(TaskUpdate.task_id == task.id)
                                    .order_by(TaskUpdate.id)))

    @blp.arguments(ProgressUpdateSchema)
    @blp.response(201, ProgressUpdateSchema)
    def post(self, data, task_id):
        """Report progress: 100 marks the task done."""
        require("project.task.read")
        session = db()
        task = get_or_404(session, Task, task_id)
        update = ops.report_progress(session, task, data["progress"], data["status"], data["note"],
                                     data["hours_spent"])
        session.commit()
        return update
