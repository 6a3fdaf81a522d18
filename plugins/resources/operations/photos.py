"""A resource's photos: the image files attached to it (the kernel keeps, limits and guards them).

Planners choose a hall by its look as much as by its seats, so the
catalogue shows them; any other file attached (a floor plan as PDF, a
rider) is listed with the attachments but is no photo.
"""
from __future__ import annotations

from core.services import attachments
from core.services.models import Attachment
from plugins.resources.models import Resource

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def photos_of(session, resource: Resource) -> list[Attachment]:
    """The images attached to ``resource``, oldest first."""
    return [a for a in attachments.attachments_of(session, resource) if a.content_type in IMAGE_TYPES]
