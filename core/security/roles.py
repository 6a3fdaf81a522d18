"""Keeping the default roles plugins declare in step with the database.

Permissions are added, never taken away: an administrator's own changes to
a role survive every sync.
"""
from __future__ import annotations

from sqlalchemy import select

from core.security.models import Role, RolePermission


def sync_roles(kernel, session) -> None:
    enabled = kernel.registry.enabled(session)
    wanted: dict[str, tuple[object, set[str]]] = {}
    for plugin, spec in kernel.role_specs:
        if plugin is not None and plugin not in enabled:
            continue
        title, perms = wanted.get(spec.name, (spec.title, set()))
        wanted[spec.name] = (title, perms | set(spec.permissions))
    existing = {r.name: r for r in session.execute(
        select(Role).execution_options(huiwu_system=True)).scalars()}
    for name, (title, perms) in wanted.items():
        role = existing.get(name)
        if role is None:
            role = Role(name=name, title=str(title))
            session.add(role)
        have = role.permission_ids
        for perm in sorted(perms - have):
            role.permissions.append(RolePermission(permission=perm))
    session.flush()
