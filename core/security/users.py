"""Operations on users, shared by the CLI, the admin and the API."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import NotFound, ValidationFailed
from core.security.models import Role, User
from core.security.passwords import MIN_LENGTH, hash_password


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_LENGTH:
        raise ValidationFailed(_("A password needs at least %(n)d characters.", n=MIN_LENGTH),
                               field="password")


def _roles(session, names) -> list[Role]:
    roles = list(session.execute(select(Role).where(Role.name.in_(list(names)))).scalars())
    unknown = set(names) - {r.name for r in roles}
    if unknown:
        raise ValidationFailed(_("Unknown role: %(names)s", names=", ".join(sorted(unknown))), field="roles")
    return roles


def create_user(session, login: str, name: str, password: str, email: str | None = None,
                is_superuser: bool = False, is_portal: bool = False, role_names=(),
                locale: str | None = None) -> User:
    login = (login or "").strip()
    if not login:
        raise ValidationFailed(_("A login is required."), field="login")
    if session.scalar(select(User.id).where(func.lower(User.login) == login.lower())) is not None:
        raise ValidationFailed(_("The login %(login)s is taken.", login=login), field="login")
    check_password_strength(password)
    user = User(login=login, name=name or login, email=email, password_hash=hash_password(password),
                is_superuser=is_superuser, is_portal=is_portal, roles=_roles(session, role_names),
                locale=locale)
    session.add(user)
    session.flush()
    return user


def find_user(session, login: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    if user is None:
        raise NotFound(_("There is no user %(login)s.", login=login), field="login")
    return user


def set_password(session, login: str, password: str) -> None:
    check_password_strength(password)
    find_user(session, login).password_hash = hash_password(password)


def change_roles(session, login: str, add=(), remove=()) -> list[str]:
    user = find_user(session, login)
    for role in _roles(session, add):
        if role not in user.roles:
            user.roles.append(role)
    for role in _roles(session, remove):
        if role in user.roles:
            user.roles.remove(role)
    return sorted(r.name for r in user.roles)
