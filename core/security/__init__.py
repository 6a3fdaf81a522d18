"""Users, departments, roles, permissions and record rules."""
from core.security.permissions import Permission, RoleSpec  # noqa: F401
from core.security.principal import Principal  # noqa: F401
from core.security.record_rules import RecordRule  # noqa: F401
