"""Recording every change of an audited row, from the session itself.

Object changes are recorded in ``after_flush``, while the attribute history
is still there and new rows have their ids; values the session never loaded
(an expired attribute, a row deleted unseen) are read in ``before_flush``.
Bulk ``update()``/``delete()`` statements on audited models are recorded
too, row by row, by reading the rows they touch before and after. Audit rows
are inserted on the same connection, so they commit or roll back with the
change they describe; on PostgreSQL they wait for the transaction's next
statement or its COMMIT and go with it, in one round trip (``core.db.deferred``).
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm.base import NO_VALUE, instance_state

from core.audit.models import AuditLog
from core.db import deferred
from core.db.driver import DriverStatement
from core.db.mixins import AuditedMixin
from core.db.session import connection_of
from core.db.types import EncryptedString, utcnow
from core.security.principal import current

SKIPPED = {"updated_at", "updated_by_id", "version", "created_at", "created_by_id"}
MASK = "***"
BEFORE_KEY = "huiwu.audit_before"
SYSTEM = {"huiwu_system": True}


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


#: Masked column names per mapper, worked out on the first flush of each class.
_MASKED: dict = {}


def _masked_columns(mapper) -> frozenset[str]:
    masked = _MASKED.get(mapper)
    if masked is None:
        found = set(getattr(mapper.class_, "__audit_masked__", ()))
        for attr in mapper.column_attrs:
            if any(isinstance(c.type, EncryptedString) for c in attr.columns):
                found.add(attr.key)
        masked = _MASKED[mapper] = frozenset(found)
    return masked


#: Audited column keys per mapper (all but the stamps and the id), worked out once per class.
_KEYS: dict = {}


def _keys(mapper) -> tuple[str, ...]:
    keys = _KEYS.get(mapper)
    if keys is None:
        keys = _KEYS[mapper] = tuple(a.key for a in mapper.column_attrs if a.key not in SKIPPED and a.key != "id")
    return keys


#: Table names per mapper, as plain ``str``: the table's own is SQLAlchemy's ``quoted_name``,
#: which the sqlite3 driver, not knowing the type, adapts by a look-up that fails in Python.
_NAMES: dict = {}


def _table_name(mapper) -> str:
    name = _NAMES.get(mapper)
    if name is None:
        name = _NAMES[mapper] = str(mapper.local_table.name)
    return name


#: The audit insert, run on the driver's cursor (one or more per write: see ``DriverStatement``).
_INSERT_LOG = DriverStatement(insert(AuditLog), column_keys=[
    "at", "user_id", "user_login", "action", "table_name", "record_id", "changes"])


def _pair(key, before, after, masked) -> list:
    if key in masked:
        before = MASK if before is not None else None
        after = MASK if after is not None else None
    return [_plain(before), _plain(after)]


def _changes(state, action: str, known_before: dict) -> dict:
    masked = _masked_columns(state.mapper)
    out = {}
    if action == "insert":  # the values just written; only a column the database filled in is read back
        values = state.dict
        for key in _keys(state.mapper):
            after = values[key] if key in values else state.attrs[key].value
            if after is not None:
                out[key] = [None, MASK] if key in masked else [None, _plain(after)]
        return out
    for key in _keys(state.mapper):
        if action == "update":
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            before = known_before[key] if key in known_before else (hist.deleted[0] if hist.deleted else None)
            after = hist.added[0] if hist.added else None
            if before == after:
                continue
        else:
            before = known_before[key] if key in known_before else state.dict.get(key)
            after = None
            if before is None:
                continue
        out[key] = _pair(key, before, after, masked)
    return out


def _audited(obj) -> bool:
    return isinstance(obj, AuditedMixin) and getattr(obj, "__audited__", True)


def _stored_values(session, obj, keys) -> dict:
    """The values of ``keys`` as the database holds them now (before this flush)."""
    mapper = inspect(obj).mapper
    keys = [k for k in keys if k in mapper.column_attrs]  # relationships are not stored values
    if not keys:
        return {}
    cols = [mapper.attrs[k].class_attribute for k in keys]
    pk = inspect(obj).identity
    row = session.execute(
        select(*cols).where(*[c == v for c, v in zip(mapper.primary_key, pk, strict=True)])
        .execution_options(**SYSTEM)
    ).one_or_none()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


def _log_row(principal, now, action, table, record_id, changes) -> dict:
    return {"at": now, "user_id": principal.user_id, "user_login": principal.login, "action": action,
            "table_name": table, "record_id": str(record_id), "changes": changes}


def install(session_class) -> None:
    @event.listens_for(session_class, "before_flush")
    def _stamp_and_remember(session, _ctx, _instances):
        # Each of session.new/dirty/deleted builds a set: asked once each, and the second
        # and third only when there is something in them (a write is usually one insert).
        user_id = current(session).user_id
        new, dirty, deleted = session.new, session.dirty, session.deleted
        for obj in new:
            if isinstance(obj, AuditedMixin):
                obj.created_by_id = obj.created_by_id or user_id
                obj.updated_by_id = user_id
        if not (dirty or deleted):
            return
        remembered = session.info.setdefault(BEFORE_KEY, {})
        for obj in dirty:
            if isinstance(obj, AuditedMixin) and session.is_modified(obj, include_collections=False):
                obj.updated_by_id = user_id
                if _audited(obj):
                    state = inspect(obj)
                    unseen = [k for k, v in state.committed_state.items() if v is NO_VALUE]
                    remembered[id(obj)] = _stored_values(session, obj, unseen)
        for obj in deleted:
            if _audited(obj):
                unseen = [k for k in _keys(inspect(obj).mapper) if k not in inspect(obj).dict]
                remembered[id(obj)] = _stored_values(session, obj, unseen)

    @event.listens_for(session_class, "after_flush")
    def _record(session, _ctx):
        remembered = session.info.pop(BEFORE_KEY, None) or {}
        rows = []
        for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
            for obj in objs:
                if not _audited(obj):
                    continue
                state = instance_state(obj)  # what inspect(obj) gives, without its look-up by class
                changes = _changes(state, action, remembered.get(id(obj), {}))
                if action == "update" and not changes:
                    continue
                if not rows:
                    principal, now = current(session), utcnow()
                identity = state.identity
                rows.append(_log_row(principal, now, action, _table_name(state.mapper),
                                     identity[0] if identity else obj.id, changes))
        if rows:
            deferred.write_later(connection_of(session), _INSERT_LOG, rows)

    @event.listens_for(session_class, "do_orm_execute")
    def _record_bulk(state):
        if not (state.is_update or state.is_delete) or state.bind_mapper is None:
            return None
        model = state.bind_mapper.class_
        if not (issubclass(model, AuditedMixin) and getattr(model, "__audited__", True)):
            return None
        return _bulk(state, model)


def _bulk(state, model):
    """Run a bulk UPDATE/DELETE of audited rows, recording each row it touched."""
    session, mapper = state.session, inspect(model)
    keys = _keys(mapper)
    ids = _touched_ids(state, model)
    before = _rows(session, model, keys, ids)
    if state.is_update and not state.is_executemany:
        principal = current(session)
        state.statement = state.statement.values(
            {model.version: model.version + 1, model.updated_at: utcnow(),
             model.updated_by_id: principal.user_id})
    result = state.invoke_statement()
    after = _rows(session, model, keys, ids) if state.is_update else {}
    masked, principal, now, log = _masked_columns(mapper), current(session), utcnow(), []
    for rid, old in before.items():
        if state.is_delete:
            changes = {k: _pair(k, old[k], None, masked) for k in keys if old[k] is not None}
        else:
            new = after.get(rid, old)
            changes = {k: _pair(k, old[k], new[k], masked) for k in keys if old[k] != new[k]}
            if not changes:
                continue
        log.append(_log_row(principal, now, "delete" if state.is_delete else "update",
                            _table_name(mapper), rid, changes))
    if log:
        deferred.write_later(connection_of(session), _INSERT_LOG, log)
    return result


def _touched_ids(state, model) -> list:
    if state.is_executemany:  # update(Model) with a list of rows by primary key
        return [row["id"] for row in state.parameters]
    query = select(model.id)
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    return list(state.session.scalars(query))


def _rows(session, model, keys, ids) -> dict:
    if not ids:
        return {}
    cols = [model.id] + [getattr(model, k) for k in keys]
    found = session.execute(select(*cols).where(model.id.in_(ids)).execution_options(**SYSTEM))
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in found}
