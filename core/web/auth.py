"""Who is asking: a session cookie (Flask-Login) or, on the API, a bearer token.

The principal is loaded once per request and put on the database session,
where record rules, audit and permission checks find it.

A bearer token counts only under ``/api/``: pages are reached with the
session cookie and its CSRF-protected forms. A client that can only be given
a URL (a calendar app subscribing to a feed) may pass the token as
``?token=`` instead, on the API's reading routes that opt in with
``token_in_query``, and nowhere else. A request that presents a
token which is unknown, revoked or expired is anonymous, even when it also
carries a cookie, so a client never silently acts as someone else.
"""
from __future__ import annotations

import logging

from flask import current_app, g, request, session
from flask_login import LoginManager, UserMixin
from flask_login.utils import _create_identifier

from core.security import tokens
from core.security.principal import ANONYMOUS, Principal, act_as, load_principal, load_token_principal

log = logging.getLogger("huiwu.security")

API_PREFIX = "/api/"
#: The attribute ``token_in_query`` sets on a view.
QUERY_TOKEN_FLAG = "huiwu_token_in_query"
#: Methods a token in the query string is taken for: reading only.
QUERY_TOKEN_METHODS = frozenset({"GET", "HEAD"})


def token_in_query(view):
    """Let an API view (function or MethodView) also take its token as ``?token=hw_...``.

    For clients that can be given only a URL, such as calendar apps. A URL
    ends up in logs and browser histories, so the route should be one that
    reads, and its users should make a token scoped to just that route's
    permission. Only GET and HEAD requests take the token from the query.
    """
    setattr(view, QUERY_TOKEN_FLAG, True)
    return view


class LoginUser(UserMixin):
    def __init__(self, principal: Principal):
        self.principal = principal
        self.id = principal.user_id


#: Session identifiers remembered per process; past this many the memory starts afresh.
IDENTIFIERS_LIMIT = 10_000


def remembering_identifier():
    """Flask-Login's session identifier (a SHA-512 of the client's address and user agent,
    checked on every request by its session protection), worked out once per pair."""
    cache: dict[tuple, str] = {}

    def identifier() -> str:
        environ = request.environ  # what request.headers and remote_addr read
        key = (environ.get("HTTP_X_FORWARDED_FOR"), environ.get("REMOTE_ADDR"), environ.get("HTTP_USER_AGENT"))
        found = cache.get(key)
        if found is None:
            if len(cache) >= IDENTIFIERS_LIMIT:
                cache.clear()
            found = cache[key] = _create_identifier()
        return found

    return identifier


def init_login(app, kernel) -> LoginManager:
    manager = LoginManager(app)
    manager.login_view = "web.login"
    manager._session_identifier_generator = remembering_identifier()
    # Flask-Login looks at every response for a remember-me cookie to set or clear; this
    # kernel never logs anyone in with one (``login_user`` is never asked to remember).
    app.after_request_funcs[None].remove(manager._update_remember_cookie)

    @manager.user_loader
    def _load(user_id: str):
        principal = _principal_of(kernel.session(), user_id)
        return LoginUser(principal) if principal else None

    def _from_cookie(ctx) -> Principal | None:
        """The user of the session cookie, given to Flask-Login as ``current_user`` for the rest
        of the request. Flask-Login's own loading does the same with more steps, every request:
        a signal, the user loader by way of a proxy, and for a session without a user a look at
        the remember-me cookie and the headers (this kernel sets neither)."""
        if manager._session_protection_failed():
            principal = None
        else:
            user_id = session._get_current_object().get("_user_id")
            principal = _principal_of(kernel.session(), user_id) if user_id is not None else None
        ctx._login_user = LoginUser(principal) if principal else manager.anonymous_user()
        return principal

    @app.before_request
    def _identify():
        db_session = kernel.session()
        ctx = g._get_current_object()  # one context look-up for all its attributes
        ctx.token_id = None
        ctx.bad_token = False
        raw = bearer_token()
        principal = _from_token(db_session, raw, ctx) if raw is not None else _from_cookie(ctx)
        ctx.principal = principal or ANONYMOUS
        ctx.via_token = ctx.token_id is not None
        act_as(db_session, ctx.principal)

    return manager


def bearer_token() -> str | None:
    """The raw token of an API request's ``Authorization: Bearer`` header, if any, or of its
    ``?token=`` on a route that opted in (``token_in_query``)."""
    req = request._get_current_object()
    if not req.path.startswith(API_PREFIX):
        return None
    header = req.environ.get("HTTP_AUTHORIZATION", "")  # request.headers["Authorization"]
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if req.method in QUERY_TOKEN_METHODS and "token" in req.args and _takes_query_token():
        return req.args["token"].strip()
    return None


def _takes_query_token() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, QUERY_TOKEN_FLAG, False)
                or getattr(getattr(view, "view_class", None), QUERY_TOKEN_FLAG, False))


def _from_token(session, raw: str, ctx) -> Principal | None:
    token, principal = load_token_principal(session, tokens.hash_of(raw)) if raw else (None, None)
    if token is None or principal is None or tokens.expired(token[2]):
        ctx.bad_token = True
        return None
    ctx.token_id = token[0]
    scopes = tuple((token[3] or "").split()) or None
    return principal.with_scopes(scopes)


def _principal_of(db_session, user_id) -> Principal | None:
    try:
        return load_principal(db_session, int(user_id))
    except ValueError:
        return None


def log_refusal(permission: str | None, reason: str = "") -> None:
    principal = getattr(g, "principal", ANONYMOUS)
    log.warning("refused %s %s to %s (%s) %s", request.method, request.path,
                principal.login, permission or "-", reason)
