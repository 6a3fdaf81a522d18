"""What the resources plugin lets people do, the roles that bundle it, and who sees which booking.

- Everyone with ``resources.resource.read`` sees the whole catalogue: finding a
  free hall is everybody's business.
- A booking is seen by whoever sees its project (the project plugin's rule,
  reused on its plain tables) and by whoever made it; resource managers
  (``resources.booking.read_all``) see all of them.
- Contracts and occupancy follow their booking.
- A project's resource needs are seen by whoever sees the project (or wrote
  the need); seeing every project (``project.project.read_all``) is seeing
  every need. Resource managers see every project, since they allocate and
  approve for all of them.
- An allocation proposal is seen by whoever ran it: it names needs and
  bookings of the projects *they* see. Resource managers see every one.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core.security import Permission, RecordRule, RoleSpec
from plugins.project.permissions import visible_project_ids
from plugins.resources.models import AllocationRun, Booking, Contract, ResourceNeed

_B = Booking.__table__.alias("rule_booking")

_ACTIONS = {"read": _l("read"), "create": _l("create"), "update": _l("update"),
            "delete": _l("delete"), "export": _l("export")}


def _crud(obj: str, title, actions=tuple(_ACTIONS)) -> list[Permission]:
    return [Permission(f"resources.{obj}.{a}", _l("%(object)s: %(action)s", object=title, action=_ACTIONS[a]))
            for a in actions]


PERMISSIONS = [
    *_crud("resource", _l("Resources")),
    *_crud("supplier", _l("Suppliers"), ("read", "create", "update", "delete")),
    *_crud("maintenance", _l("Maintenance windows"), ("read", "create", "update", "delete")),
    *_crud("booking", _l("Bookings")),
    Permission("resources.booking.read_all", _l("Bookings: see every project's")),
    Permission("resources.booking.approve", _l("Bookings: approve or reject")),
    Permission("resources.booking.cancel", _l("Bookings: cancel")),
    Permission("resources.contract.read", _l("Booking contracts: read and download")),
    *_crud("need", _l("Resource needs of projects"), ("read", "create", "update", "delete")),
    Permission("resources.allocation.run", _l("Allocation: propose")),
    Permission("resources.allocation.apply", _l("Allocation: apply a proposal (book and move)")),
    Permission("resources.availability.read", _l("Availability and timelines: read")),
]

_READ = ("resources.resource.read", "resources.supplier.read", "resources.maintenance.read",
         "resources.availability.read")
_PM = (*_READ, "resources.booking.read", "resources.booking.create", "resources.booking.update",
       "resources.booking.cancel", "resources.contract.read", "resources.need.read", "resources.need.create",
       "resources.need.update", "resources.need.delete", "resources.allocation.run", "resources.allocation.apply")
_MANAGER = tuple(p.id for p in PERMISSIONS)

ROLES = [
    RoleSpec("resource_manager", _l("Resource manager"), (*_MANAGER, "project.project.read", "project.project.read_all"),
             _l("Keeps the catalogue and approves bookings of every project.")),
    RoleSpec("project_manager", _l("Project manager"), _PM),
    RoleSpec("department_staff", _l("Department staff"), (*_READ, "resources.booking.read", "resources.need.read")),
    RoleSpec("executive", _l("Executive"), (*_READ, "resources.booking.read", "resources.booking.read_all",
                                              "resources.booking.export", "resources.contract.read",
                                              "resources.need.read")),
    RoleSpec("administrator", _l("Administrator"), _MANAGER),
]


def visible_booking_ids(principal):
    """Ids of the bookings ``principal`` sees when no ``read_all`` lifts the rule."""
    return select(_B.c.id).where(or_(_B.c.project_id.in_(visible_project_ids(principal)),
                                     _B.c.created_by_id == principal.user_id))


def _bookings(principal):
    return or_(Booking.project_id.in_(visible_project_ids(principal)), Booking.created_by_id == principal.user_id)


def _contracts(principal):
    return Contract.booking_id.in_(visible_booking_ids(principal))


def _needs(principal):
    return or_(ResourceNeed.project_id.in_(visible_project_ids(principal)),
               ResourceNeed.created_by_id == principal.user_id)


def _runs(principal):
    return AllocationRun.created_by_id == principal.user_id


RECORD_RULES = [
    RecordRule(Booking, _bookings, unless="resources.booking.read_all",
               title=_l("Bookings of the projects one sees, or made oneself")),
    RecordRule(Contract, _contracts, unless="resources.booking.read_all",
               title=_l("Contracts of the bookings one sees")),
    RecordRule(ResourceNeed, _needs, unless="project.project.read_all",
               title=_l("Resource needs of the projects one sees, or written oneself")),
    RecordRule(AllocationRun, _runs, unless="resources.booking.read_all",
               title=_l("Allocation proposals one made")),
]
