"""Recording every change of an audited row, from the session itself.

Runs in ``after_flush`` while the attribute history is still there and the
new rows have their ids; the audit rows are inserted on the same connection,
so they commit or roll back with the change they describe.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum

from sqlalchemy import event, insert, inspect

from core.audit.models import AuditLog
from core.db.mixins import AuditedMixin
from core.db.types import EncryptedString, utcnow
from core.security.principal import current

SKIPPED = {"updated_at", "updated_by_id", "version", "created_at", "created_by_id"}
MASK = "***"


def _plain(value):
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _masked_columns(mapper) -> frozenset[str]:
    masked = _MASKED.get(mapper)
    if masked is None:
        found = set(getattr(mapper.class_, "__audit_masked__", ()))
        for attr in mapper.column_attrs:
            if any(isinstance(c.type, EncryptedString) for c in attr.columns):
                found.add(attr.key)
        masked = _MASKED[mapper] = frozenset(found)
    return masked


#: Masked column names per mapper, worked out on the first flush of each class.
_MASKED: dict = {}
_INSERT_AUDIT = insert(AuditLog)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    mapper = state.mapper
    masked = _masked_columns(mapper)
    out = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in SKIPPED or key == "id":
            continue
        if action == "update":
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before == after:
                continue
        elif action == "insert":
            before, after = None, state.attrs[key].value
            if after is None:
                continue
        else:
            before, after = state.attrs[key].value, None
        if key in masked:
            before = MASK if before is not None else None
            after = MASK if after is not None else None
        out[key] = [_plain(before), _plain(after)]
    return out


def _audited(obj) -> bool:
    return isinstance(obj, AuditedMixin) and getattr(obj, "__audited__", True)


def install(session_class) -> None:
    @event.listens_for(session_class, "before_flush")
    def _stamp(session, _ctx, _instances):
        user_id = current(session).user_id
        for obj in session.new:
            if isinstance(obj, AuditedMixin):
                obj.created_by_id = obj.created_by_id or user_id
                obj.updated_by_id = user_id
        for obj in session.dirty:
            if isinstance(obj, AuditedMixin) and session.is_modified(obj, include_collections=False):
                obj.updated_by_id = user_id

    @event.listens_for(session_class, "after_flush")
    def _record(session, _ctx):
        principal = current(session)
        now = utcnow()
        rows = []
        for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
            for obj in objs:
                if not _audited(obj):
                    continue
                changes = _changes(obj, action)
                if action == "update" and not changes:
                    continue
                rows.append(
                    dict(
                        at=now,
                        user_id=principal.user_id,
                        user_login=principal.login,
                        action=action,
                        table_name=obj.__table__.name,
                        record_id=str(inspect(obj).identity[0] if inspect(obj).identity else obj.id),
                        changes=changes,
                    )
                )
        if rows:
            session.connection().execute(_INSERT_AUDIT, rows)
