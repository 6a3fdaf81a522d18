"""First start: the kernel's tables, default roles, the first administrator,
the modules that enable themselves, and demo data when asked."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import migrate
from core.db.change_epoch import ROW_ID, ChangeEpoch
from core.demo import kernel_demo
from core.errors import DomainError
from core.registry import switching
from core.security.models import Role, User
from core.security.passwords import hash_password
from core.security.roles import sync_roles


def initialise(kernel, admin_login: str = "admin", admin_password: str | None = None,
               admin_password_hash: str | None = None) -> dict:
    """Idempotent: safe to run on an initialised database. Returns what was created.

    The first administrator gets ``admin_password`` (generated when None);
    ``admin_password_hash`` spares tests the deliberately slow hashing.
    """
    migrate.upgrade(kernel.engine, kernel.registry, "core")
    created = {"admin_login": None, "admin_password": None, "enabled": []}
    with kernel.system_session() as session:
        if session.get(ChangeEpoch, ROW_ID) is None:  # removed by hand: a value no process has seen
            session.add(ChangeEpoch(id=ROW_ID, value=secrets.randbits(62)))
        sync_roles(kernel, session)
        if session.scalar(select(func.count()).select_from(User)) == 0:
            password = admin_password or secrets.token_urlsafe(9)
            admin_role = session.scalar(select(Role).where(Role.name == "administrator"))
            session.add(User(login=admin_login, name="系统管理员",
                             password_hash=admin_password_hash or hash_password(password),
                             is_superuser=True, roles=[admin_role], locale=kernel.settings.locale))
            created.update(admin_login=admin_login, admin_password=password)
        for plugin in kernel.registry.loaded:
            if plugin.manifest.auto_enable:
                created["enabled"] += switching.enable(kernel, session, plugin.name, with_dependencies=True)
        session.commit()
    return created


def load_demo(kernel, scale: str, progress=None) -> list[str]:
    """Create the kernel's and every enabled plugin's demo data; return whose ran.

    Runs in dependency order, one transaction per plugin, so a plugin finds
    its dependencies' demo rows. ``progress(done, total, label)`` hears each
    plugin's own progress, with labels ``"<plugin>: <what>"``, and at least a
    start and an end per plugin. A plugin whose demo data fails stops the
    run with an error naming it; what earlier plugins created stays.
    """
    report = progress or (lambda *a: None)
    with kernel.system_session() as session:
        enabled = kernel.registry.enabled(session)
    steps = [("core", lambda session, scale, progress: kernel_demo(session, scale))]
    for plugin in kernel.registry.loaded:
        hook = kernel.registry.implementation(plugin.name, "huiwu_demo_data")
        if plugin.name in enabled and hook is not None:
            steps.append((plugin.name, hook))
    for name, hook in steps:
        last = [0, 1]

        def step_progress(done, total, label="", _name=name, _last=last):
            _last[:] = [done, total]
            report(done, total, f"{_name}: {label}" if label else _name)

        step_progress(0, 1)
        with kernel.system_session() as session:
            try:
                hook(session=session, scale=scale, progress=step_progress)
                session.commit()
            except DomainError:
                raise
            except Exception as exc:
                raise DomainError(_("Demo data of module %(name)s failed: %(error)s",
                                    name=name, error=f"{type(exc).__name__}: {exc}")) from exc
        if last[0] < last[1]:
            step_progress(1, 1)
    return [name for name, _hook in steps]
