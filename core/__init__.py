"""The Huiwu kernel: knows plugins, data, security and delivery, and no business."""
from core.hookspecs import hookimpl  # noqa: F401
from core.registry.manifest import Manifest  # noqa: F401
