"""What an API blueprint (or a portal page) needs: the session, permission checks, clean refusals."""
from __future__ import annotations

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.security.principal import ANONYMOUS, Principal
from core.web.errors import NotAuthenticated


def db():
    """The request's session: acts as the caller, with their record rules."""
    return current_app.extensions["huiwu"].session()


def principal(ctx=None) -> Principal:
    """The caller. ``ctx``: the request's ``g`` when the caller already looked it up (each
    look-up through the ``g`` proxy costs a context-variable read)."""
    return getattr(g if ctx is None else ctx, "principal", ANONYMOUS)


def require_login(ctx=None) -> Principal:
    """The caller, or 401 when nobody (or a revoked or expired token) is asking (``ctx``: as for
    ``principal``)."""
    ctx = g._get_current_object() if ctx is None else ctx
    who = principal(ctx)
    if not who.user_id:
        if getattr(ctx, "bad_token", False):
            raise NotAuthenticated(_("The API token is not valid: it is unknown, revoked or expired."))
        raise NotAuthenticated(_("Please log in first."))
    return who


def require(permission: str) -> Principal:
    """401 unless logged in; 403 (logged) unless the caller holds ``permission``."""
    who = require_login()
    if not who.can(permission):
        raise Forbidden(_("You do not have permission to do this.") + f" ({permission})")
    return who


def abort_not_found():
    raise NotFound(_("Not found."))


def check_version(obj, version: int | None, required: bool = False) -> None:
    """409 when the client edited an older version than the one stored (no lost update).

    Update schemas should make ``version`` required (``core.api.schemas.
    UpdateSchema`` does); ``required=True`` refuses a missing one here too.
    """
    if version is None:
        if required:
            raise ValidationFailed(_("Send the version you read, so that no one's change is lost."),
                                   field="version")
        return
    if obj.version != version:
        raise Conflict(_("The record was changed by someone else.") + " "
                       + _("Reload it and try again."), field="version")


#: Totals are counted up to this many rows; past it the header says ``COUNT_CAP + 1``
#: ("more than"), so a list over a huge table costs a bounded count, not a full scan.
COUNT_CAP = 10_000


def page_of(statement, pagination) -> list:
    """One page of ``statement``'s rows, with the total (under the caller's record rules, capped
    at ``COUNT_CAP + 1``) handed to flask-smorest's ``@blp.paginate()`` for the ``X-Pagination`` header."""
    session = db()
    pagination.item_count = session.scalar(
        select(func.count()).select_from(statement.order_by(None).limit(COUNT_CAP + 1).subquery()))
    return list(session.execute(
        statement.offset(pagination.first_item).limit(pagination.page_size)).scalars())
