"""A record's history: its audit rows, newest first, field by field."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from core.audit.models import AuditLog

#: The history page shows this many changes; older ones are in the audit log.
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


def field_changes(entry: AuditLog) -> list[FieldChange]:
    return [FieldChange(field, *(list(values) + [None, None])[:2])
            for field, values in sorted((entry.changes or {}).items())]


def record_history(session, model) -> tuple[list[tuple[AuditLog, list[FieldChange]]], bool]:
    """The audit entries of ``model``'s row, newest first, and whether older ones were left out."""
    identity = inspect(model).identity
    record_id = str(identity[0] if identity else model.id)
    rows = list(session.execute(
        select(AuditLog)
        .where(AuditLog.table_name == model.__table__.name, AuditLog.record_id == record_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(HISTORY_LIMIT + 1)
    ).scalars())
    return [(row, field_changes(row)) for row in rows[:HISTORY_LIMIT]], len(rows) > HISTORY_LIMIT


#: How an audit action reads in the UI.
AUDIT_ACTIONS = {"insert": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted")}


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTIONS.get(action, action))
