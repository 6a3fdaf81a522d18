"""Errors that carry a message meant for a person.

The web layers (admin, API, portal) turn each of these into the right
response, so operations can raise them without knowing who called.
"""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action; nothing of the action is saved.

    ``message`` is already translated (or a lazy string) and shown as is;
    ``field`` names the input at fault when there is one.
    """

    status = 400
    code = "domain_error"

    def __init__(self, message, field: str | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors or ({field: [str(message)]} if field else {})


class ValidationFailed(DomainError):
    """Input did not pass validation; ``errors`` maps fields to reasons."""

    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    """The record does not exist, or the user may not see it (we do not say which)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user lacks the permission the action needs."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """Someone else changed or took the thing first (stale version, overlap, duplicate)."""

    status = 409
    code = "conflict"
