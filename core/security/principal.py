"""Who is acting: the user and everything their permissions depend on, loaded once.

Every session carries a principal in ``session.info["principal"]``; record
rules, audit and permission checks read it from there, so an operation
called from the admin, the API, the portal or a worker behaves the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

PRINCIPAL_KEY = "principal"


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

    def with_scopes(self, scopes: tuple[str, ...] | None) -> "Principal":
        from dataclasses import replace

        return replace(self, scopes=scopes)


#: Used by the command line, workers and scheduled jobs: sees and may do everything.
SYSTEM = Principal(user_id=None, login="system", name="system", is_superuser=True)
#: Nobody logged in: sees no row a rule protects, holds no permission.
ANONYMOUS = Principal(user_id=None, login="anonymous", name="anonymous")


def load_principal(session, user_id: int) -> Principal | None:
    from core.security.models import Role, User

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


def current(session) -> Principal:
    return session.info.get(PRINCIPAL_KEY) or ANONYMOUS


def act_as(session, principal: Principal) -> None:
    session.info[PRINCIPAL_KEY] = principal
