"""Flask's signed-cookie sessions, with each verified cookie remembered for a while.

Opening a session cookie means checking its HMAC, decoding base64 and
tagged JSON: more than the rest of a small request's authentication, and a
browser sends the same cookie request after request. So each process
remembers, for a bounded number of cookie values, what a value was verified
to hold and when it was signed. A value seen again is only checked for age;
any other value, a tampered one included, goes through Flask's full check.
The cookie's format, key and lifetime, and what is accepted, stay Flask's.
An unchanged session is let go before the cookie's settings are worked out.
"""
from __future__ import annotations

import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

#: Cookie values remembered per process; past this many the memory starts afresh.
REMEMBERED_LIMIT = 10_000
#: Cookie headers remembered per process (a header may be a few kilobytes).
HEADERS_LIMIT = 2_000


class RememberingSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers: dict[tuple, object] = {}
        #: cookie value -> (the data it holds, when it was signed, the keys it was checked with,
        #: whether its values are all immutable)
        self._verified: dict[str, tuple[dict, int, tuple, bool]] = {}
        #: (Cookie header, cookie name) -> the session cookie's value in it
        self._in_header: dict[tuple[str, str], str | None] = {}

    def get_signing_serializer(self, app, keys=None):
        """Flask's serializer, built once per key set instead of once per request."""
        if not app.secret_key:
            return None
        keys = _keys(app) if keys is None else keys
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        value = self._cookie_value(request, self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        keys = _keys(app)
        known = self._verified.get(value)
        if known is not None and known[2] == keys and 0 <= int(time.time()) - known[1] <= max_age:
            # a session of plain values (the usual one) is copied without looking at them again
            return self.session_class(dict(known[0]) if known[3] else _copy(known[0]))
        try:
            data, signed_at = self.get_signing_serializer(app, keys).loads(
                value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= REMEMBERED_LIMIT:
            self._verified.clear()
        flat = isinstance(data, dict) and all(isinstance(v, _IMMUTABLE) for v in data.values())
        self._verified[value] = (_copy(data), int(signed_at.timestamp()), keys, flat)
        return self.session_class(data)


    def _cookie_value(self, request, name: str) -> str | None:
        """``request.cookies.get(name)``, remembered per Cookie header: building ``request.cookies``
        walks every header of the request and parses them all."""
        parsed = request.__dict__.get("cookies")  # already built by someone else
        if parsed is not None:
            return parsed.get(name)
        header = request.environ.get("HTTP_COOKIE")  # what request.cookies parses
        if not header:
            return None
        key = (header, name)
        try:
            return self._in_header[key]
        except KeyError:
            pass
        if len(self._in_header) >= HEADERS_LIMIT:
            self._in_header.clear()
        value = self._in_header[key] = request.cookies.get(name)
        return value

    def save_session(self, app, session, response):
        """Flask's, with the unchanged session (most requests) let go before the cookie's
        settings are worked out."""
        if not session.modified and not self.should_set_cookie(app, session):
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:  # the usual case, without parsing and rewriting a header set
                    response.headers["Vary"] = "Cookie"
            return
        super().save_session(app, session, response)


def _keys(app) -> tuple:
    return app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ())


#: Values a copy may share: nothing can change them in place.
_IMMUTABLE = (str, int, float, bool, type(None))


def _copy(value):
    """A copy no request can change the remembered data through (a session holds
    plain JSON-like values: strings, numbers, lists, tuples, dicts)."""
    if isinstance(value, dict):
        if all(isinstance(v, _IMMUTABLE) for v in value.values()):
            return dict(value)  # the usual session: a few strings and flags
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value
