"""The one door through which CRM stores files: the kernel's attachment service."""
from __future__ import annotations

from flask_babel import gettext as _

from core.errors import DomainError
from core.services import attachments as core_attachments


class StorageUnavailable(DomainError):
    """The installation cannot store attachments (the kernel service is missing)."""


def attach_file(session, record, filename: str, stream, content_type: str | None = None):
    """Store ``stream`` as an attachment of ``record`` (size and type limits are the kernel's)."""
    try:
        return core_attachments.attach(session, record, filename, stream, content_type)
    except NotImplementedError:
        raise StorageUnavailable(_("Files cannot be stored on this installation yet.")) from None


def files_of(session, record) -> list:
    try:
        return core_attachments.attachments_of(session, record)
    except NotImplementedError:
        return []
