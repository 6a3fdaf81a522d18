"""What an API blueprint needs: the session, permission checks, clean refusals."""
from __future__ import annotations

from flask import current_app, g
from flask_babel import gettext as _

from core.errors import Conflict, Forbidden, NotFound


def db():
    """The request's session: acts as the caller, with their record rules."""
    return current_app.extensions["huiwu"].session()


def require(permission: str) -> None:
    """Refuse with 403 (and log it) unless the caller holds ``permission``."""
    if not g.principal.can(permission):
        raise Forbidden(_("You do not have permission to do this.") + f" ({permission})")


def abort_not_found():
    raise NotFound(_("Not found."))


def check_version(obj, version: int | None) -> None:
    """409 when the client edited an older version than the one stored (no lost update)."""
    if version is not None and obj.version != version:
        raise Conflict(_("The record was changed by someone else.") + " "
                       + _("Reload it and try again."), field="version")
