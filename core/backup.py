"""Backups of tables as JSON Lines: taken before an uninstall, restorable by table.

A backup is a folder-independent file: one header line, then one line per
row with its table name, so it can be read back into an empty table.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, select

from core.audit.listener import _plain


def dump_tables(connection, tables, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"huiwu_backup": 1, "at": datetime.now(timezone.utc).isoformat(),
                             "tables": [t.name for t in tables]}) + "\n")
        for table in tables:
            if not connection.dialect.has_table(connection, table.name):
                continue
            for row in connection.execute(select(table)).mappings():
                fh.write(json.dumps({"table": table.name, "row": _plain(dict(row))},
                                    ensure_ascii=False) + "\n")
    return path


def restore_tables(connection, tables, path: Path) -> int:
    by_name = {t.name: t for t in tables}
    count = 0
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            item = json.loads(line)
            table = by_name.get(item["table"])
            if table is None:
                continue
            row = {k: _revive(table.c[k], v) for k, v in item["row"].items() if k in table.c}
            connection.execute(insert(table), [row])
            count += 1
    return count


def _revive(column, value):
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type.__name__ == "date":
        from datetime import date

        return date.fromisoformat(value)
    if python_type.__name__ == "Decimal":
        from decimal import Decimal

        return Decimal(value)
    return value


def backup_path(instance_path: Path, label: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return instance_path / "backups" / f"{label}-{stamp}.jsonl"
