"""The kernel's own permissions and the administrator role."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.security.models import ApiToken
from core.security.permissions import Permission, RoleSpec
from core.security.record_rules import RecordRule

KERNEL_PERMISSIONS = [
    Permission("core.user.read", _l("Users: read")),
    Permission("core.user.create", _l("Users: create")),
    Permission("core.user.update", _l("Users: update")),
    Permission("core.user.delete", _l("Users: delete")),
    Permission("core.user.export", _l("Users: export")),
    Permission("core.department.read", _l("Departments: read")),
    Permission("core.department.create", _l("Departments: create")),
    Permission("core.department.update", _l("Departments: update")),
    Permission("core.department.delete", _l("Departments: delete")),
    Permission("core.role.read", _l("Roles: read")),
    Permission("core.role.create", _l("Roles: create")),
    Permission("core.role.update", _l("Roles: update")),
    Permission("core.role.delete", _l("Roles: delete")),
    Permission("core.token.read", _l("API tokens: read")),
    Permission("core.token.create", _l("API tokens: create")),
    Permission("core.token.delete", _l("API tokens: revoke")),
    Permission("core.module.read", _l("Modules: read")),
    Permission("core.module.manage", _l("Modules: enable, disable and uninstall")),
    Permission("core.audit.read", _l("Audit log: read")),
    Permission("core.outbox.read", _l("Outbox: read")),
    Permission("core.outbox.retry", _l("Outbox: retry")),
    Permission("core.webhook.read", _l("Webhooks: read")),
    Permission("core.webhook.create", _l("Webhooks: create")),
    Permission("core.webhook.update", _l("Webhooks: update")),
    Permission("core.webhook.delete", _l("Webhooks: delete")),
    Permission("core.setting.read", _l("Settings: read")),
    Permission("core.setting.update", _l("Settings: update")),
    Permission("core.job.read", _l("Scheduled jobs: read")),
    Permission("core.job.run", _l("Scheduled jobs: run now")),
    Permission("core.job.update", _l("Scheduled jobs: switch on and off")),
    Permission("core.attachment.delete", _l("Attachments: delete")),
]

KERNEL_ROLES = [
    RoleSpec(
        name="administrator",
        title=_l("Administrator"),
        permissions=tuple(p.id for p in KERNEL_PERMISSIONS),
        description=_l("Manages users, roles, modules, settings and the security log."),
    ),
]

KERNEL_RECORD_RULES = [
    # A user sees and manages their own API tokens; core.token.read shows everyone's.
    RecordRule(ApiToken, lambda p: ApiToken.user_id == p.user_id, unless="core.token.read",
               title=_l("Own API tokens only")),
]
