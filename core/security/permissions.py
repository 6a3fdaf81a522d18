"""Permissions as declared data, and the roles that bundle them.

Ids are explicit strings (``crm.customer.read``), never derived from class
names, so a rename cannot orphan them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

PERMISSION_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Permission:
    id: str
    #: Lazy-translated human label.
    title: object = ""

    def __post_init__(self):
        if not PERMISSION_RE.match(self.id):
            raise ValueError(f"permission id {self.id!r} must read <plugin>.<object>.<action>")


@dataclass(frozen=True)
class RoleSpec:
    name: str
    title: object
    permissions: tuple[str, ...] = field(default_factory=tuple)
    description: object = ""


def crud(plugin: str, obj: str, title, actions=("read", "create", "update", "delete", "export")):
    """The usual permissions of one object, titled ``<title>: <action>``."""
    return [Permission(f"{plugin}.{obj}.{action}", (title, action)) for action in actions]
