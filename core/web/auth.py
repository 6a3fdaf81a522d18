"""Who is asking: a session cookie (Flask-Login) or a bearer token.

The principal is loaded once per request and put on the database session,
where record rules, audit and permission checks find it.
"""
from __future__ import annotations

import logging

from flask import g, request
from flask_login import LoginManager, UserMixin, current_user

from core.security.principal import ANONYMOUS, Principal, act_as, load_principal
from core.security import tokens

log = logging.getLogger("huiwu.security")


class LoginUser(UserMixin):
    def __init__(self, principal: Principal):
        self.principal = principal
        self.id = principal.user_id


def init_login(app, kernel) -> LoginManager:
    manager = LoginManager(app)
    manager.login_view = "web.login"

    @manager.user_loader
    def _load(user_id: str):
        try:
            principal = load_principal(kernel.session(), int(user_id))
        except ValueError:
            return None
        return LoginUser(principal) if principal else None

    @app.before_request
    def _identify():
        session = kernel.session()
        principal = _from_token(session) or _from_cookie()
        g.principal = principal or ANONYMOUS
        g.via_token = principal is not None and getattr(g, "token_id", None) is not None
        act_as(session, g.principal)

    return manager


def _from_token(session) -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = tokens.resolve(session, header[7:].strip())
    if token is None:
        g.bad_token = True
        return None
    principal = load_principal(session, token.user_id)
    if principal is None:
        return None
    g.token_id = token.id
    scopes = tuple(token.scopes.split()) or None
    return principal.with_scopes(scopes)


def _from_cookie() -> Principal | None:
    if current_user and current_user.is_authenticated:
        return current_user.principal
    return None


def log_refusal(permission: str | None, reason: str = "") -> None:
    principal = getattr(g, "principal", ANONYMOUS)
    log.warning("refused %s %s to %s (%s) %s", request.method, request.path,
                principal.login, permission or "-", reason)
