"""Database layer: Base, mixins, column types and the session factory."""
from core.db.base import Base, Model, metadata  # noqa: F401
from core.db.mixins import AuditedMixin, IdMixin, TimestampMixin, VersionMixin  # noqa: F401
from core.db.types import EncryptedString, Money, UTCDateTime, blind_index  # noqa: F401
