"""Who is acting: the user and everything their permissions depend on, loaded once.

Every session carries a principal in ``session.info["principal"]``; record
rules, audit and permission checks read it from there, so an operation
called from the admin, the API, the portal or a worker behaves the same.

Loading a principal takes four queries (user, roles, their permissions,
departments), too many for every request. Each process therefore keeps the
principals it loaded, keyed by user id, together with a *stamp*: one small
query over what a principal is made of (the user row's version and update
time, the id, version and update time of each of its roles, its department
ids). A change to any of them changes the stamp, so it takes effect on the
next request in every process. A role's permission rows carry no version of
their own; a change to them touches the role (``install``), which is what
the stamp sees.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

from sqlalchemy import bindparam, event, literal, null, select, union_all, update
from sqlalchemy.orm import selectinload

from core.db.driver import DriverStatement
from core.db.types import utcnow
from core.registry.models import ModuleState
from core.security.models import ApiToken, Role, RolePermission, User, user_department, user_role

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
    """The principal of an active user, or None; served from the process cache while its stamp holds.

    A cached principal is shared by every request of that user: treat it
    (``extra`` included) as read-only.
    """
    # The stamp is read before the principal: a change committed in between
    # makes the next request reload, never keeps a stale principal.
    rows = _stamp_rows(session, _STAMP, _STAMP_AND_MODULES, {"uid": user_id})
    return _principal_from(session, user_id, rows)


def load_token_principal(session, token_hash: str) -> tuple[tuple | None, Principal | None]:
    """``(token, principal)`` for the unrevoked API token whose hash is ``token_hash``, read
    together with the stamp in one round trip (every API call with a token asks this).

    ``token`` is ``(id, user_id, expires_at, scopes)``, or None when no unrevoked token has this
    hash; the caller checks expiry. ``principal`` is as ``load_principal`` gives it.
    """
    rows = _stamp_rows(session, _TOKEN_STAMP, _TOKEN_STAMP_AND_MODULES, {"hash": token_hash})
    token = next((r[1:] for r in rows if r[0] == "t"), None)
    if token is None:
        return None, None
    return token, _principal_from(session, token[1], [r for r in rows if r[0] != "t"])


def _stamp_rows(session, stamp, stamp_and_modules, params) -> list[tuple]:
    """The stamp's rows; the enabled modules too, handed to the registry, when this transaction
    has not read them yet (the request reads them next: one round trip instead of two)."""
    conn = session.connection()
    registry = getattr(session.info.get("kernel"), "registry", None)
    if registry is not None and not registry.knows_enabled(session):
        statement = stamp_and_modules
        rows = statement.rows(conn, params)
        registry.remember_enabled(session, [r[4] for r in rows if r[0] == "m"])
    else:
        statement = stamp
        rows = statement.rows(conn, params)
    # stamp rows as four values whichever query read them, so that stamps compare equal;
    # they are only compared, and so left as stored; the token's row is read as mapped
    return [statement.processed(conn, r) if r[0] == "t" else r[:4] for r in rows if r[0] != "m"]


def _principal_from(session, user_id: int, rows) -> Principal | None:
    cache = _cache_of(session)
    stamp = frozenset(rows)
    if not stamp:
        cache.pop(user_id, None)
        return None
    hit = cache.get(user_id)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    principal = _load(session, user_id)
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[user_id] = (stamp, principal)
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


def _stamp_parts(uid) -> list:
    """What a principal is made of, in one round trip: ("u", user id, version, updated at),
    ("r", role id, version, updated at) per role, ("d", department id, 0, NULL) per department.
    Timestamps tell apart rows re-created under a reused id."""
    return [
        select(literal("u"), User.id, User.version, User.updated_at).where(User.id == uid),
        select(literal("r"), Role.id, Role.version, Role.updated_at)
        .join(user_role, user_role.c.role_id == Role.id).where(user_role.c.user_id == uid),
        select(literal("d"), user_department.c.department_id, literal(0), null())
        .where(user_department.c.user_id == uid),
    ]


def _fifth(parts) -> list:
    return [part.add_columns(null().label("extra")) for part in parts]


#: ("m", 0, 0, NULL, name) per enabled module.
_MODULES = (select(literal("m"), literal(0), literal(0), null(), ModuleState.__table__.c.name)
            .where(ModuleState.__table__.c.enabled.is_(True)))
# Run on the driver's cursor (``DriverStatement``): one of them starts every request.
_STAMP = DriverStatement(union_all(*_stamp_parts(bindparam("uid"))), as_stored=True)
#: The stamp, plus the enabled modules, with the stamp's rows' fifth column NULL.
_STAMP_AND_MODULES = DriverStatement(union_all(*_fifth(_stamp_parts(bindparam("uid"))), _MODULES), as_stored=True)

_LIVE_TOKEN = (ApiToken.token_hash == bindparam("hash"), ApiToken.revoked_at.is_(None))
#: ("t", token id, user id, expires at, scopes) for the unrevoked token of that hash.
_TOKEN = select(literal("t"), ApiToken.id, ApiToken.user_id, ApiToken.expires_at, ApiToken.scopes
                ).where(*_LIVE_TOKEN)
_TOKEN_USER = select(ApiToken.user_id).where(*_LIVE_TOKEN).scalar_subquery()
#: The token and its user's stamp (with the enabled modules or not).
_TOKEN_STAMP = DriverStatement(union_all(*_fifth(_stamp_parts(_TOKEN_USER)), _TOKEN), as_stored=True)
_TOKEN_STAMP_AND_MODULES = DriverStatement(union_all(*_fifth(_stamp_parts(_TOKEN_USER)), _TOKEN, _MODULES),
                                           as_stored=True)

_caches: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def _cache_of(session) -> dict:
    """The cache of the kernel the session belongs to (a process may hold several kernels)."""
    owner = session.info.get("kernel") or session.get_bind()
    cache = _caches.get(owner)
    if cache is None:
        cache = _caches[owner] = {}
    return cache


def install(session_class) -> None:
    """Touch a role whenever its permissions change, so cached principals see it.

    Changes through the session's objects bump the roles concerned; a bulk
    INSERT, UPDATE or DELETE of permission rows through the session touches
    every role. Writing ``core_role_permission`` past the session (a raw
    connection) is not seen: touch the role's ``updated_at`` there too.
    """

    @event.listens_for(session_class, "do_orm_execute")
    def _touch_all_roles(state):
        if (state.is_insert or state.is_update or state.is_delete) and \
                getattr(getattr(state.statement, "table", None), "name", None) == RolePermission.__tablename__:
            state.session.connection().execute(update(Role.__table__).values(updated_at=utcnow()))

    @event.listens_for(session_class, "before_flush")
    def _touch_roles(session, _ctx, _instances):
        new = session.new
        changed = [obj for objs in (new, session.dirty, session.deleted)
                   for obj in objs if isinstance(obj, RolePermission)]
        if not changed:
            return
        role_ids = {obj.role_id for obj in changed}
        roles = {obj.role for obj in new if isinstance(obj, RolePermission) and obj.role is not None}
        with session.no_autoflush:
            roles |= {session.get(Role, rid, execution_options={"huiwu_system": True})
                      for rid in role_ids if rid is not None}
        for role in roles:
            if role is not None and role not in session.deleted and role not in session.new:
                role.updated_at = utcnow()


def current(session) -> Principal:
    return session.info.get(PRINCIPAL_KEY) or ANONYMOUS


def act_as(session, principal: Principal) -> None:
    session.info[PRINCIPAL_KEY] = principal
