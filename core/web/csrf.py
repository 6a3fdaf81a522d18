"""Flask-WTF's CSRF protection, with each verified token remembered for a while.

A cookie-authenticated write must carry the signed form of its session's
CSRF token (a form field, or the ``X-CSRFToken`` header the web client
sends). Checking it means an HMAC over the token, and, for a header sent
with a JSON body, Flask-WTF first reads ``request.form``, which parses the
body for a field it cannot hold. Here the form is read only for form
bodies, and a token value already verified is remembered per process with
the session token it unsigned to: the same value sent again with the same
session is accepted without a new HMAC; anything else takes Flask-WTF's
full check. Tokens that expire (``WTF_CSRF_TIME_LIMIT`` set) are never
remembered.

``protect`` follows Flask-WTF 1.3's own, step by step (the method is looked at first).
"""
from __future__ import annotations

import hmac
import logging

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, same_origin, validate_csrf
from wtforms import ValidationError

log = logging.getLogger("flask_wtf.csrf")

#: Token values remembered per process; past this many the memory starts afresh.
REMEMBERED_LIMIT = 10_000
#: The only bodies ``request.form`` reads.
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class RememberingCSRF(CSRFProtect):
    def __init__(self, app=None):
        #: (secret, signed token) -> the session token it was verified to carry
        self._verified: dict[tuple, str] = {}
        #: endpoint -> exempt or not; configured header names -> their environ keys
        self._exempt_endpoints: dict[str, bool] = {}
        self._header_keys: dict[tuple, tuple[str, ...]] = {}
        super().__init__(app)

    def protect(self, apply_exemptions=False):
        # The request, app and session are looked up once (each proxy look-up costs a
        # context-variable read), and the method first: a GET needs no look at the exemptions.
        req = request._get_current_object()
        app = current_app._get_current_object()
        if req.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if apply_exemptions and (not req.endpoint or self._exempt(app, req)):
            return
        try:
            self._validate(self._token_of(app, req), app)
        except ValidationError as exc:
            log.info(exc.args[0])
            self._error_response(exc.args[0])
        if req.is_secure and app.config["WTF_CSRF_SSL_STRICT"]:
            if not req.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(req.referrer, f"https://{req.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True

    def exempt(self, view):
        self._exempt_endpoints.clear()
        return super().exempt(view)

    def _exempt(self, app, req) -> bool:
        """Flask-WTF's ``_is_exempt``, on the request and app already looked up; the answer is
        remembered per endpoint (a fixed set once the routes are registered)."""
        endpoint = req.endpoint
        try:
            return self._exempt_endpoints[endpoint]
        except KeyError:
            pass
        view = app.view_functions.get(endpoint)
        found = (app.blueprints.get(req.blueprint) in self._exempt_blueprints
                 or (view is not None and f"{view.__module__}.{view.__name__}" in self._exempt_views))
        if len(self._exempt_endpoints) < REMEMBERED_LIMIT:
            self._exempt_endpoints[endpoint] = found
        return found

    def _token_of(self, app, req):
        if req.mimetype in FORM_MIMETYPES:
            return super()._get_csrf_token()
        environ = req.environ  # what req.headers.get reads, without building the headers
        for key in self._environ_keys(app.config["WTF_CSRF_HEADERS"]):
            token = environ.get(key)
            if token:
                return token
        return None

    def _environ_keys(self, headers) -> tuple[str, ...]:
        """The WSGI environ keys of the configured header names (``X-CSRFToken`` ->
        ``HTTP_X_CSRFTOKEN``), worked out once per configured list."""
        names = tuple(headers)
        keys = self._header_keys.get(names)
        if keys is None:
            keys = self._header_keys[names] = tuple("HTTP_" + h.upper().replace("-", "_") for h in names)
        return keys

    def _validate(self, data, app) -> None:
        """``validate_csrf(data)``, which raises ValidationError; remembered when it passed."""
        config = app.config
        field = config["WTF_CSRF_FIELD_NAME"]
        remember = config["WTF_CSRF_TIME_LIMIT"] is None and bool(data)
        key = (config.get("WTF_CSRF_SECRET_KEY", app.secret_key), data)
        sess = session._get_current_object()
        if remember and field in sess:
            known = self._verified.get(key)
            if known is not None and hmac.compare_digest(sess[field], known):
                return
        validate_csrf(data)
        if remember:
            if len(self._verified) >= REMEMBERED_LIMIT:
                self._verified.clear()
            self._verified[key] = sess[field]
