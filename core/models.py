"""Every kernel table, imported in one place so metadata and migrations see them all."""
from core.audit.models import AuditLog  # noqa: F401
from core.db.change_epoch import ChangeEpoch  # noqa: F401
from core.events.outbox import OutboxMessage  # noqa: F401
from core.notify.models import InboxMessage, Webhook  # noqa: F401
from core.registry.models import ModuleState  # noqa: F401
from core.security.log import SecurityEvent  # noqa: F401
from core.security.models import ApiToken, Department, Role, RolePermission, User  # noqa: F401
from core.services.models import Attachment, JobRun, JobState, SequenceCounter, Setting  # noqa: F401
