"""Backups of tables as JSON Lines: taken before an uninstall, restorable by table.

A backup is one file: a header line (what, when, which tables), then one
line per row with its table name, in an order where referenced rows come
first, so it can be read back into empty tables. Encrypted columns are
written as stored (ciphertext): a backup leaks no personal data, and it
restores only into an instance holding the same data key.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import json
from pathlib import Path

from sqlalchemy import (
    Integer,
    Text,
    column,
    func,
    insert,
    select,
    table,
    text,
    type_coerce,
)

from core.db.types import EncryptedString

FORMAT = 1


class BackupError(ValueError):
    """The file is not a backup of what the caller wants to restore."""


def _encrypted(col) -> bool:
    return isinstance(col.type, EncryptedString)


def _encode(value):
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode()}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.name
    return value


def dump_tables(connection, tables, path: Path, **header) -> Path:
    """Write every row of ``tables`` (in the given order) to ``path``; ``header`` adds to line one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        head = {"huiwu_backup": FORMAT, "at": dt.datetime.now(dt.UTC).isoformat(),
                "tables": [t.name for t in tables], **header}
        fh.write(json.dumps(head, ensure_ascii=False) + "\n")
        for tbl in tables:
            if not connection.dialect.has_table(connection, tbl.name):
                continue
            cols = [type_coerce(c, Text()).label(c.name) if _encrypted(c) else c for c in tbl.c]
            for row in connection.execute(select(*cols)).mappings():
                line = {"table": tbl.name, "row": {k: _encode(v) for k, v in row.items()}}
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def read_header(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        try:
            head = json.loads(fh.readline())
        except json.JSONDecodeError:
            head = {}
    if not isinstance(head, dict) or head.get("huiwu_backup") != FORMAT:
        raise BackupError(f"{path} is not a Huiwu backup")
    return head


def restore_tables(connection, tables, path: Path) -> int:
    """Insert the rows ``path`` holds for ``tables`` (which must be empty); return how many."""
    read_header(path)
    targets = {t.name: (t, _raw_table(t)) for t in tables}
    count = 0
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            item = json.loads(line)
            if item["table"] not in targets:
                continue
            tbl, raw = targets[item["table"]]
            row = {k: _revive(tbl.c[k], v) for k, v in item["row"].items() if k in tbl.c}
            connection.execute(insert(raw), [row])
            count += 1
    if connection.dialect.name == "postgresql":
        for tbl, _raw in targets.values():
            _advance_sequences(connection, tbl)
    return count


def _raw_table(tbl):
    """``tbl`` with encrypted columns typed as plain text, so ciphertext goes back as it came."""
    return table(tbl.name, *[column(c.name, Text() if _encrypted(c) else c.type) for c in tbl.c])


def _advance_sequences(connection, tbl) -> None:
    """Rows came back with their ids; the next insert must not reuse one."""
    pk = list(tbl.primary_key.columns)
    for col in pk:
        if isinstance(col.type, Integer) and (col.autoincrement is True
                                              or (col.autoincrement == "auto" and len(pk) == 1)):
            top = connection.execute(select(func.max(col))).scalar()
            if top is not None:
                connection.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), :v)"),
                                   {"t": tbl.name, "c": col.name, "v": top})


def _revive(col, value):
    if value is None or _encrypted(col):
        return value
    if isinstance(value, dict) and set(value) == {"$base64"}:
        return base64.b64decode(value["$base64"])
    python_type = _python_type(col.type)
    if python_type in (dt.datetime, dt.date, dt.time):
        return python_type.fromisoformat(value)
    if python_type is decimal.Decimal:
        return decimal.Decimal(value)
    if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        return python_type[value]
    return value


def _python_type(type_):
    """The Python type a column holds, looking through TypeDecorators (Money, UTCDateTime)."""
    for candidate in (type_, getattr(type_, "impl_instance", None)):
        try:
            found = candidate.python_type
        except (NotImplementedError, AttributeError):
            continue
        if found is not object:
            return found
    return None


def backup_path(instance_path: Path, label: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return instance_path / "backups" / f"{label}-{stamp}.jsonl"
