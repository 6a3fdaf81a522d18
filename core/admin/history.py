"""A record's history: its audit rows, newest first, field by field."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from core.audit.models import AuditLog

#: The history page shows this many changes; older ones are in the audit log.
HISTORY_LIMIT = 200
#: How the audit trail writes an aware date-time (``datetime.isoformat()``).
ISO_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


def field_changes(entry: AuditLog, order: list[str] | None = None) -> list[FieldChange]:
    """The entry's changes, in ``order`` (a model's column order) or by field name."""
    rank = {name: i for i, name in enumerate(order or ())}
    items = sorted((entry.changes or {}).items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))
    return [FieldChange(field, *(list(values) + [None, None])[:2]) for field, values in items]


def shown_value(value) -> str:
    """A recorded value as a person reads it: yes/no, times in the company's zone."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, str) and ISO_INSTANT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value), "yyyy-MM-dd HH:mm:ss")
        except ValueError:
            return value
    return str(value)


def record_history(session, model) -> tuple[list[tuple[AuditLog, list[FieldChange]]], bool]:
    """The audit entries of ``model``'s row, newest first, and whether older ones were left out."""
    identity = inspect(model).identity
    record_id = str(identity[0] if identity else model.id)
    rows = list(session.execute(
        select(AuditLog)
        .where(AuditLog.table_name == model.__table__.name, AuditLog.record_id == record_id)
        .order_by(AuditLog.id.desc())
        .limit(HISTORY_LIMIT + 1)
    ).scalars())
    order = [attr.key for attr in inspect(type(model)).column_attrs]
    return [(row, field_changes(row, order)) for row in rows[:HISTORY_LIMIT]], len(rows) > HISTORY_LIMIT


#: How an audit action reads in the UI.
AUDIT_ACTIONS = {"insert": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted")}


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTIONS.get(action, action))
