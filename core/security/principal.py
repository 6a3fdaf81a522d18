"""Who is acting: the user and everything their permissions depend on, loaded once.

Every session carries a principal in ``session.info["principal"]``; record
rules, audit and permission checks read it from there, so an operation
called from the admin, the API, the portal or a worker behaves the same.

Loading a principal takes four queries (user, roles, their permissions,
departments), too many for every request. Each process therefore keeps the
principals it loaded, keyed by user id, together with the change epoch read
just before (``core.db.change_epoch``): the database gives it a new value
whenever a user, a role, its permissions or a membership changes, so a
change takes effect on the next request in every process, whoever made it
and however. Reading the epoch is the one query a request needs for this;
when the process does not know the enabled modules of that epoch yet, they
come with it (``Registry.note_epoch``).
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

from sqlalchemy import bindparam, literal, null, select, union_all
from sqlalchemy.orm import selectinload

from core.db.change_epoch import ROW_ID, ChangeEpoch
from core.db.driver import DriverStatement
from core.db.session import connection_of
from core.registry.models import ModuleState
from core.security.models import ApiToken, Role, User

PRINCIPAL_KEY = "principal"
#: Principals kept per process and kernel; past this many users the cache starts afresh.
CACHE_LIMIT = 5000


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    login: str
    name: str = ""
    permissions: frozenset[str] = frozenset()
    role_names: frozenset[str] = frozenset()
    department_ids: frozenset[int] = frozenset()
    is_superuser: bool = False
    is_portal: bool = False
    #: Token scopes limiting this request (permission ids or ``prefix.``); None = unlimited.
    scopes: tuple[str, ...] | None = None
    locale: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None or self.login == "system"

    def can(self, permission: str) -> bool:
        if self.scopes is not None and not any(
            permission == s or (s.endswith(".") and permission.startswith(s)) for s in self.scopes
        ):
            return False
        return self.is_superuser or permission in self.permissions

    def with_scopes(self, scopes: tuple[str, ...] | None) -> Principal:
        return replace(self, scopes=scopes)


#: Used by the command line, workers and scheduled jobs: sees and may do everything.
SYSTEM = Principal(user_id=None, login="system", name="system", is_superuser=True)
#: Nobody logged in: sees no row a rule protects, holds no permission.
ANONYMOUS = Principal(user_id=None, login="anonymous", name="anonymous")


def load_principal(session, user_id: int) -> Principal | None:
    """The principal of an active user, or None; served from the process cache while the epoch holds.

    A cached principal is shared by every request of that user: treat it
    (``extra`` included) as read-only.
    """
    # The epoch is read before the principal: a change committed in between
    # makes the next request reload, never keeps a stale principal.
    rows = _first_read(session, _EPOCH, _EPOCH_AND_MODULES, {})
    return _principal_from(session, user_id, rows[0][-1] if rows else None)


def load_token_principal(session, token_hash: str) -> tuple[tuple | None, Principal | None]:
    """``(token, principal)`` for the unrevoked API token whose hash is ``token_hash``, read
    together with the epoch in one round trip (every API call with a token asks this).

    ``token`` is ``(id, user_id, expires_at, scopes)``, or None when no unrevoked token has this
    hash; the caller checks expiry. ``principal`` is as ``load_principal`` gives it.
    """
    rows = _first_read(session, _TOKEN_EPOCH, _TOKEN_EPOCH_AND_MODULES, {"hash": token_hash})
    if not rows:
        return None, None
    token = rows[0]
    return token[1:5], _principal_from(session, token[2], token[5])


def _first_read(session, alone, with_modules, params) -> list[tuple]:
    """The rows of ``alone``, or of ``with_modules`` (the same, plus ``("m", ..., name, epoch)``
    per enabled module, left out of what is returned) when the process does not know the
    modules enabled at the current epoch: one round trip either way. The epoch is each
    row's last value."""
    conn = connection_of(session)
    registry = getattr(session.info.get("kernel"), "registry", None)
    if registry is None or registry.knows_enabled(session):
        return [_as_read(alone, conn, r) for r in alone.rows(conn, params)]
    if registry.knows_epoch():
        rows = [_as_read(alone, conn, r) for r in alone.rows(conn, params)]
        if rows:
            registry.note_epoch(session, rows[0][-1])
        return rows
    rows = with_modules.rows(conn, params)
    if rows:
        registry.remember_enabled(session, [r[-2] for r in rows if r[0] == "m"], epoch=rows[0][-1])
    return [_as_read(with_modules, conn, r) for r in rows if r[0] != "m"]


def _as_read(statement, conn, row) -> tuple:
    """A token's row as ``Connection.execute`` gives it (its expiry is an aware datetime); the
    epoch's row as stored (it is only compared)."""
    return statement.processed(conn, row) if row[0] == "t" else row


def _principal_from(session, user_id: int, epoch) -> Principal | None:
    cache = _cache_of(session)
    hit = cache.get(user_id)
    if hit is not None and epoch is not None and hit[0] == epoch:
        return hit[1]
    principal = _load(session, user_id)
    if epoch is not None:
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[user_id] = (epoch, principal)
    return principal


def _load(session, user_id: int) -> Principal | None:
    user = session.execute(
        select(User)
        .where(User.id == user_id)
        .options(selectinload(User.roles).selectinload(Role.permissions), selectinload(User.departments))
        .execution_options(huiwu_system=True)
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    return principal_for(user)


def principal_for(user) -> Principal:
    perms = frozenset(p.permission for r in user.roles for p in r.permissions)
    return Principal(
        user_id=user.id,
        login=user.login,
        name=user.name,
        permissions=perms,
        role_names=frozenset(r.name for r in user.roles),
        department_ids=frozenset(d.id for d in user.departments),
        is_superuser=user.is_superuser,
        is_portal=user.is_portal,
        locale=user.locale,
    )


_EPOCH_VALUE = select(ChangeEpoch.value).where(ChangeEpoch.id == ROW_ID)
#: ("e", NULL, epoch): the shape of the modules' rows below, so either query reads alike
_EPOCH_ROW = select(literal("e"), null(), ChangeEpoch.value).where(ChangeEpoch.id == ROW_ID)


def _module_rows(*padding):
    """("m", *padding, name, epoch) per enabled module: the modules and the epoch they were read
    at, in one statement; ``padding`` gives them the shape of the rows they are read with."""
    modules = ModuleState.__table__.c
    return select(literal("m"), *padding, modules.name, _EPOCH_VALUE.scalar_subquery()).where(
        modules.enabled.is_(True))


# Run on the driver's cursor (``DriverStatement``): one of them starts every request.
_EPOCH = DriverStatement(_EPOCH_ROW, as_stored=True)
#: The epoch's row, then the modules' rows.
_EPOCH_AND_MODULES = DriverStatement(union_all(_EPOCH_ROW, _module_rows()), as_stored=True)

_LIVE_TOKEN = (ApiToken.token_hash == bindparam("hash"), ApiToken.revoked_at.is_(None))
#: ("t", token id, user id, expires at, scopes, epoch) for the unrevoked token of that hash.
_TOKEN_ROW = select(literal("t"), ApiToken.id, ApiToken.user_id, ApiToken.expires_at, ApiToken.scopes,
                    _EPOCH_VALUE.scalar_subquery()).where(*_LIVE_TOKEN)
_TOKEN_EPOCH = DriverStatement(_TOKEN_ROW, as_stored=True)
#: The token's row, then ("m", 0, 0, NULL, name, epoch) per enabled module.
_TOKEN_EPOCH_AND_MODULES = DriverStatement(
    union_all(_TOKEN_ROW, _module_rows(literal(0), literal(0), null())), as_stored=True)

_caches: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def _cache_of(session) -> dict:
    """The cache of the kernel the session belongs to (a process may hold several kernels)."""
    owner = session.info.get("kernel") or session.get_bind()
    cache = _caches.get(owner)
    if cache is None:
        cache = _caches[owner] = {}
    return cache


def current(session) -> Principal:
    return session.info.get(PRINCIPAL_KEY) or ANONYMOUS


def act_as(session, principal: Principal) -> None:
    session.info[PRINCIPAL_KEY] = principal
