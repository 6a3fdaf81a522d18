"""What the project plugin lets people do, the roles that bundle it, and who sees which project.

- Project managers see the projects they manage, unless they hold ``project.project.read_all``.
- Department staff see their departments' tasks, and the projects those tasks belong to.
- Executives read everything (``read_all``).
- Portal clients see only the projects of the customer whose contact they are
  (``project_client_access``), never order lines (costs) or progress notes.

The visibility of a project is written once, on the plain tables
(``visible_project_ids``), and reused by every table hanging off a project.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select

from core.security import Permission, RecordRule, RoleSpec
from plugins.crm.models import Contact
from plugins.project.models import (
    ChangeRequest,
    ClientAccess,
    Milestone,
    OrderLine,
    Project,
    Requirement,
    Task,
    TaskUpdate,
)

# Aliases, so that a rule's subquery never correlates with the query it filters
# (an unaliased ``project_task`` inside the Task rule would silently become "this row").
_P = Project.__table__.alias("rule_project")
_T = Task.__table__.alias("rule_task")
_ACCESS = ClientAccess.__table__.alias("rule_access")
_CONTACT = Contact.__table__.alias("rule_contact")

_ACTIONS = {"read": _l("read"), "create": _l("create"), "update": _l("update"),
            "delete": _l("delete"), "export": _l("export")}


def _crud(obj: str, title, actions=tuple(_ACTIONS)) -> list[Permission]:
    return [Permission(f"project.{obj}.{a}", _l("%(object)s: %(action)s", object=title, action=_ACTIONS[a]))
            for a in actions]


PERMISSIONS = [
    *_crud("project", _l("Projects")),
    Permission("project.project.read_all", _l("Projects: see every project manager's")),
    Permission("project.project.confirm", _l("Projects: confirm")),
    Permission("project.project.cancel", _l("Projects: cancel")),
    Permission("project.project.close", _l("Projects: close")),
    *_crud("task", _l("Tasks")),
    Permission("project.task.read_all", _l("Tasks: see every department's")),
    Permission("project.task.assign", _l("Tasks: reassign")),
    Permission("project.task.report", _l("Tasks: report progress")),
    *_crud("change", _l("Change requests"), ("read", "create", "update", "delete")),
    Permission("project.change.approve", _l("Change requests: approve or reject")),
    *_crud("template", _l("Task templates"), ("read", "create", "update", "delete")),
    Permission("project.report.read", _l("Progress reports: read")),
    Permission("project.document.internal", _l("Project files: read internal documents")),
    Permission("project.access.update", _l("Portal access: link clients to customers")),
    Permission("project.portal.read", _l("Portal: follow own meetings")),
    Permission("project.portal.change", _l("Portal: request changes")),
]

_PM = (
    "project.project.read", "project.project.create", "project.project.update", "project.project.export",
    "project.project.confirm", "project.project.cancel", "project.project.close",
    "project.task.read", "project.task.create", "project.task.update", "project.task.assign",
    "project.task.report", "project.change.read", "project.change.create", "project.change.update",
    "project.change.approve", "project.template.read", "project.report.read", "project.document.internal",
    "project.access.update",
)
_STAFF = ("project.project.read", "project.task.read", "project.task.report", "project.change.read",
          "project.change.create", "project.report.read", "project.document.internal")
_EXECUTIVE = ("project.project.read", "project.project.read_all", "project.project.export",
              "project.task.read", "project.task.read_all", "project.change.read", "project.template.read",
              "project.report.read", "project.document.internal")

ROLES = [
    RoleSpec("project_manager", _l("Project manager"), _PM,
             _l("Runs their meeting projects: tasks, changes, reports.")),
    RoleSpec("department_staff", _l("Department staff"), _STAFF,
             _l("Sees their department's tasks and reports progress on them.")),
    RoleSpec("executive", _l("Executive"), _EXECUTIVE, _l("Reads every project, task and report.")),
    RoleSpec("client", _l("Client (portal)"), ("project.portal.read", "project.portal.change"),
             _l("A customer's contact following their meetings in the portal.")),
    RoleSpec("administrator", _l("Administrator"), tuple(p.id for p in PERMISSIONS)),
]


def client_customer_ids(principal):
    """The customers a portal user is a contact of (plain tables: no other rule is involved)."""
    return (select(_CONTACT.c.customer_id)
            .select_from(_CONTACT.join(_ACCESS, _ACCESS.c.contact_id == _CONTACT.c.id))
            .where(_ACCESS.c.user_id == principal.user_id))


def visible_project_ids(principal):
    """Ids of the projects ``principal`` sees when no ``read_all`` lifts the rule."""
    if principal.is_portal:
        return select(_P.c.id).where(_P.c.customer_id.in_(client_customer_ids(principal)))
    own = select(_P.c.id).where(_P.c.manager_id == principal.user_id)
    if not principal.department_ids:
        return own
    staffed = select(_T.c.project_id).where(_T.c.department_id.in_(sorted(principal.department_ids)))
    return own.union(staffed)


def _staffed(project_id, principal):
    """``project_id`` has a task of one of the principal's departments: a probe of the
    (department, project) index per row, instead of hashing every task of the department."""
    return (select(_T.c.id).where(_T.c.project_id == project_id,
                                  _T.c.department_id.in_(sorted(principal.department_ids)))
            .exists())


def _projects(principal):
    if principal.is_portal:
        return Project.customer_id.in_(client_customer_ids(principal))
    clauses = [Project.manager_id == principal.user_id]
    if principal.department_ids:
        clauses.append(_staffed(Project.id, principal))
    return or_(*clauses)


def _tasks(principal):
    if principal.is_portal:
        return Task.project_id.in_(visible_project_ids(principal))
    clauses = [Task.assignee_id == principal.user_id,
               Task.project_id.in_(select(_P.c.id).where(_P.c.manager_id == principal.user_id))]
    if principal.department_ids:
        clauses.append(Task.department_id.in_(sorted(principal.department_ids)))
    return or_(*clauses)


def _through_project(model, hidden_from_clients=False):
    def domain(principal):
        if hidden_from_clients and principal.is_portal:
            return false()
        if principal.is_portal:
            return model.project_id.in_(visible_project_ids(principal))
        clauses = [model.project_id.in_(select(_P.c.id).where(_P.c.manager_id == principal.user_id))]
        if principal.department_ids:
            clauses.append(_staffed(model.project_id, principal))
        return or_(*clauses)
    return domain


def _updates(principal):
    if principal.is_portal:
        return false()
    return TaskUpdate.task_id.in_(select(_T.c.id).where(_T.c.project_id.in_(visible_project_ids(principal))))


_READ_ALL = "project.project.read_all"
_PROJECT_TITLE = _l("Project managers see their projects, staff their departments', clients their company's")
_TASK_TITLE = _l("Staff see their departments' tasks and the tasks of projects they manage")

RECORD_RULES = [
    RecordRule(Project, _projects, unless=_READ_ALL, title=_PROJECT_TITLE),
    RecordRule(Task, _tasks, unless="project.task.read_all", title=_TASK_TITLE),
    RecordRule(TaskUpdate, _updates, unless="project.task.read_all", title=_TASK_TITLE),
    RecordRule(Requirement, _through_project(Requirement), unless=_READ_ALL, title=_PROJECT_TITLE),
    RecordRule(Milestone, _through_project(Milestone), unless=_READ_ALL, title=_PROJECT_TITLE),
    RecordRule(ChangeRequest, _through_project(ChangeRequest), unless=_READ_ALL, title=_PROJECT_TITLE),
    RecordRule(OrderLine, _through_project(OrderLine, hidden_from_clients=True), unless=_READ_ALL,
               title=_l("Clients never see order lines; staff see those of projects they see")),
    RecordRule(ClientAccess, lambda p: ClientAccess.user_id == p.user_id, unless="project.access.update",
               title=_l("Portal users see only their own link")),
]
