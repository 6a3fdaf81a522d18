"""The resources plugin's admin pages, under the 资源 / Resources menu.

Endpoints (the API's blueprint is ``resources_availability``, so no page may take that name)::

    resources_catalogue     resources, with layouts, packages, acts and parts inline; timeline on details
    resources_suppliers     suppliers
    resources_maintenance   maintenance windows (through operations.maintenance)
    resources_find          the availability search, with a "Book" link per free resource
    resources_bookings      bookings: list, details (fees, waiting-list rank, contract versions, buttons to
                            approve, reject, confirm a hold, cancel, change), the booking form the "Book"
                            link opens (/new/?resource_id=&starts_at=&ends_at=&quantity=), /change/,
                            /act/, and /contract/<booking id>/<revision>.pdf
    resources_timeline      the timeline of a kind over a period
    resources_needs         projects' resource needs (filter by project), each linking to allocating it
    resources_allocate      propose an allocation (one project, or a period), review it, apply it
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.resources.admin.allocation import AllocationView
from plugins.resources.admin.availability import AvailabilityView
from plugins.resources.admin.bookings import BookingView
from plugins.resources.admin.catalogue import ResourceView, SupplierView
from plugins.resources.admin.maintenance import MaintenanceView
from plugins.resources.admin.needs import NeedView
from plugins.resources.admin.timeline import TimelineView
from plugins.resources.models import Booking, Maintenance, Resource, ResourceNeed, Supplier

CATEGORY = _l("Resources")


def admin_views(session) -> list:
    c = CATEGORY
    return [
        AvailabilityView(name=_l("Availability"), category=c, endpoint="resources_find", url="resources_find"),
        BookingView(Booking, session, name=_l("Bookings"), category=c, endpoint="resources_bookings"),
        TimelineView(name=_l("Timeline"), category=c, endpoint="resources_timeline", url="resources_timeline"),
        NeedView(ResourceNeed, session, name=_l("Needs of projects"), category=c, endpoint="resources_needs"),
        AllocationView(name=_l("Allocate"), category=c, endpoint="resources_allocate", url="resources_allocate"),
        ResourceView(Resource, session, name=_l("Resources"), category=c, endpoint="resources_catalogue"),
        MaintenanceView(Maintenance, session, name=_l("Maintenance windows"), category=c,
                        endpoint="resources_maintenance"),
        SupplierView(Supplier, session, name=_l("Suppliers"), category=c, endpoint="resources_suppliers"),
    ]
