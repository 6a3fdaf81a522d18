"""The resources plugin's tables (all named ``resources_<thing>``)."""
from plugins.resources.models.allocation import AllocationRun, ResourceNeed
from plugins.resources.models.booking import Booking, Contract, Maintenance, Occupancy
from plugins.resources.models.catalogue import Act, Layout, Package, Resource, Supplier, resource_part

ALL_MODELS = [Supplier, Resource, Layout, Package, Act, Booking, Maintenance, Occupancy, Contract, ResourceNeed,
              AllocationRun]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "resource_part"]
