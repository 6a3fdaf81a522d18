"""One way to turn a refusal into a response.

API requests (``/api/``) get JSON of one shape::

    {"code": "validation_failed", "message": "...", "errors": {"field": ["reason"]}}

Pages get the message flashed or an error page. Every error rolls the
request's transaction back first, so nothing of the failed action is saved.
"""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core.errors import Conflict, DomainError
from core.security import log as security_log
from core.security.principal import ANONYMOUS

STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "too_many_requests",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(status: int, message, code: str | None = None, errors: dict | None = None):
    body = {"code": code or STATUS_CODES.get(status, "error"), "message": str(message),
            "errors": errors or {}}
    return jsonify(body), status


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


def init_errors(app, kernel) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        kernel.session().rollback()
        if exc.status == 403:
            log_forbidden(kernel, str(exc.message))
        if wants_json():
            return json_error(exc.status, exc.message, exc.code, exc.errors)
        if exc.status in (403, 404):
            return render_template("huiwu/error.html", status=exc.status, message=exc.message), exc.status
        flash(str(exc.message), "error")
        return redirect(request.referrer or request.path)

    @app.errorhandler(StaleDataError)
    def _stale(_exc):
        return _domain(Conflict(stale_message()))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        kernel.session().rollback()
        if exc.code == 403:
            log_forbidden(kernel, exc.description or "")
        if wants_json():
            messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
            errors = _flatten(messages) if messages else {}
            message = _http_message(exc.code) if not errors else _("Some fields are not valid.")
            return json_error(exc.code or 500, message, errors=errors)
        if exc.code in (403, 404, 405, 413):
            return render_template("huiwu/error.html", status=exc.code,
                                   message=_http_message(exc.code)), exc.code
        return exc


def _flatten(messages: dict) -> dict:
    """webargs nests errors by location (json, query, ...); callers want fields."""
    out = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for field, reasons in fields.items():
                out[field] = reasons if isinstance(reasons, list) else [reasons]
        else:
            out[location] = fields if isinstance(fields, list) else [fields]
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
