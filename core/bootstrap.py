"""First start: the kernel's tables, default roles, the first administrator,
the modules that enable themselves, and demo data when asked."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from core.db import migrate
from core.registry import switching
from core.security.models import Role, User
from core.security.passwords import hash_password
from core.security.roles import sync_roles


def initialise(kernel, admin_login: str = "admin", admin_password: str | None = None) -> dict:
    """Idempotent: safe to run on an initialised database. Returns what was created."""
    migrate.upgrade(kernel.engine, kernel.registry, "core")
    created = {"admin_login": None, "admin_password": None, "enabled": []}
    with kernel.system_session() as session:
        sync_roles(kernel, session)
        if session.scalar(select(func.count()).select_from(User)) == 0:
            password = admin_password or secrets.token_urlsafe(9)
            admin_role = session.scalar(select(Role).where(Role.name == "administrator"))
            session.add(User(login=admin_login, name="系统管理员", password_hash=hash_password(password),
                             is_superuser=True, roles=[admin_role], locale=kernel.settings.locale))
            created.update(admin_login=admin_login, admin_password=password)
        for plugin in kernel.registry.loaded:
            if plugin.manifest.auto_enable:
                created["enabled"] += switching.enable(kernel, session, plugin.name, with_dependencies=True)
        session.commit()
    return created


def load_demo(kernel, scale: str, progress=None) -> None:
    """Run every enabled plugin's demo hook in dependency order, one transaction each."""
    from core.demo import kernel_demo

    with kernel.system_session() as session:
        kernel_demo(session, scale)
        session.commit()
        enabled = kernel.registry.enabled(session)
    for plugin in kernel.registry.loaded:
        if plugin.name not in enabled:
            continue
        hook = getattr(plugin.module, "huiwu_demo_data", None)
        if hook is None:
            continue
        with kernel.system_session() as session:
            hook(session=session, scale=scale, progress=progress or (lambda *a: None))
            session.commit()
