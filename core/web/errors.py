"""One way to turn a refusal into a response.

API requests (``/api/``) get JSON of one shape, whatever went wrong::

    {"code": "validation_failed", "message": "...", "errors": {"field": ["reason"]}}

Pages get the message flashed or an error page. Every error rolls the
request's transaction back first, so nothing of the failed action is saved.
Bad input never becomes a 500: validation failures, malformed JSON, stale
versions, values the database refuses and ids too large for it all end here
as a 4xx.
"""
from __future__ import annotations

import logging

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from core.api.messages import translate_errors
from core.errors import Conflict, DomainError, ValidationFailed
from core.security import log as security_log
from core.security.principal import ANONYMOUS

STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "too_many_requests",
}
#: Headers an HTTP error must keep when it is turned into JSON.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")
#: The largest id a route accepts: bigger ones cannot exist in any of our databases.
log = logging.getLogger(__name__)

MAX_ID = 2**63 - 1


class NotAuthenticated(DomainError):
    """Nobody (or an unusable token) is asking: 401 for the API, the login page otherwise."""

    status = 401
    code = "unauthorized"


class BoundedIntConverter(IntegerConverter):
    """``<int:id>`` that answers 404 for numbers no database column holds (not a driver crash)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(status: int, message, code: str | None = None, errors: dict | None = None,
               headers: dict | None = None):
    body = {"code": code or STATUS_CODES.get(status, "error"), "message": str(message),
            "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()}}
    return jsonify(body), status, headers or {}


def stale_message():
    return _("Someone else changed this record while you were editing it. "
             "Reload it to see their change, then make yours again.")


def log_forbidden(kernel, detail: str) -> None:
    """Record a 403 in the security log, in a transaction of its own."""
    session = kernel.session()
    session.rollback()
    security_log.record(session, "refused", getattr(g, "principal", ANONYMOUS), detail,
                        ip=request.remote_addr, path=request.path[:300])
    session.commit()


def login_url() -> str:
    endpoint = "portal.login" if request.path.startswith("/portal") else "web.login"
    return url_for(endpoint, next=request.full_path)


def init_errors(app, kernel) -> None:

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        kernel.session().rollback()
        if exc.status == 403:
            log_forbidden(kernel, str(exc.message))
        if wants_json():
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return json_error(exc.status, exc.message, exc.code, exc.errors, headers)
        if exc.status == 401:
            return redirect(login_url())
        if exc.status in (403, 404):
            return render_template("huiwu/error.html", status=exc.status, message=exc.message), exc.status
        flash(str(exc.message), "error")
        return redirect(request.referrer or request.path)

    @app.errorhandler(StaleDataError)
    def _stale(_exc):
        return _domain(Conflict(stale_message()))

    @app.errorhandler(IntegrityError)
    def _integrity(_exc):
        return _domain(Conflict(_("This conflicts with data already saved: a duplicate, "
                                  "or a reference to something that does not exist.")))

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _bad_value(_exc):
        return _domain(ValidationFailed(_("A value is out of range or not in a form the database accepts.")))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        kernel.session().rollback()
        if exc.code == 500:
            log.error("unexpected error on %s %s", request.method, request.path,
                      exc_info=getattr(exc, "original_exception", None))
        if exc.code == 403:
            log_forbidden(kernel, exc.description or "")
        if wants_json():
            return _http_json(exc)
        if exc.code in (403, 404, 405, 413, 500):
            return render_template("huiwu/error.html", status=exc.code,
                                   message=_http_message(exc.code)), exc.code
        return exc


def _http_json(exc: HTTPException):
    """werkzeug's and webargs' errors, in our shape and the user's language."""
    headers = {k: v for k, v in exc.get_headers() if k in KEPT_HEADERS}
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(exc, CSRFError):
        return json_error(400, _("The security token of your session is missing or expired. "
                                 "Reload the page and try again."), "csrf_failed", headers=headers)
    if exc.code == 400 and messages and "json" in messages and isinstance(messages["json"], list):
        return json_error(400, _("The request body is not valid JSON."), headers=headers)
    errors = translate_errors(flatten(messages)) if messages else {}
    message = _("Some fields are not valid.") if errors else _http_message(exc.code)
    return json_error(exc.code or 500, message, errors=errors, headers=headers)


def flatten(messages: dict) -> dict[str, list]:
    """webargs nests errors by location (json, query, ...) and marshmallow by nesting;
    callers want ``{"field.sub": [reasons]}``."""
    out: dict[str, list] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, (list, tuple)):
            flat = [m for m in value if not isinstance(m, (dict, list, tuple))]
            if flat:
                out.setdefault(prefix or "_schema", []).extend(flat)
            for m in value:
                if isinstance(m, (dict, list, tuple)):
                    walk(prefix, m)
        else:
            out.setdefault(prefix or "_schema", []).append(value)

    for location, fields in messages.items():
        walk("" if isinstance(fields, dict) else str(location), fields)
    return out


def _http_message(code: int | None) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in first."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This action is not allowed here."),
        409: _("The record was changed by someone else."),
        413: _("The upload is too large."),
        415: _("This file type is not accepted."),
        422: _("Some fields are not valid."),
    }.get(code or 0, _("Something went wrong."))
