"""The project REST API under ``/api/v1/project``: thin views over ``operations``.

Routes (permissions in brackets)::

    GET  POST         /projects                        [project.project.read / create] ?q= ?status= ?city=
    GET  PATCH        /projects/<id>                   [read / update]; PATCH needs ``version``
    POST              /projects/<id>/transition        {"to": status} [update, or confirm / cancel / close]
    GET               /projects/<id>/progress          [project.project.read]
    GET               /tasks                           [project.task.read] ?project_id= ?status= ?mine=
    GET  PATCH        /tasks/<id>                      [read / assign]; PATCH {assignee_id, version}
    GET  POST         /tasks/<id>/updates              [read / the assignee or project.task.report]
    GET  POST         /changes                         [project.change.read / create] ?project_id=
    GET               /changes/<id>                    [project.change.read]
    POST              /changes/<id>/submit             [project.change.create]
    POST              /changes/<id>/approve | reject   [project.change.approve], never one's own
"""
from core.api.blueprint import Blueprint

blp = Blueprint("project", __name__, url_prefix="project", description="Meeting projects, tasks, changes")

from plugins.project.api import changes, projects, tasks  # noqa: F401  (routes)
