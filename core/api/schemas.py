"""Base schemas for the API: one error shape, and records that carry their version.

marshmallow's own messages are translated by the error handler
(``core.api.messages``), so these bases are about shape, not language:

- ``RecordSchema``: ``id``, ``version`` and the stamps, read-only;
- ``for_update(NoteSchema)``: the PATCH variant, every field optional except
  ``version``, which must be the version the client read (stale -> 409).
"""
from __future__ import annotations

from functools import cache

import marshmallow as ma
from marshmallow import fields, validate


class Schema(ma.Schema):
    """Base of the kernel's schemas; unknown fields are refused and named (422)."""

    class Meta:
        unknown = ma.RAISE


class ErrorSchema(Schema):
    """Every API error, whatever the status."""

    code = fields.String(metadata={"description": "Stable machine-readable code, e.g. validation_failed"})
    message = fields.String(metadata={"description": "What went wrong, in the user's language"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Reasons per input field (dotted for nested ones)"})


class RecordSchema(Schema):
    """A business row: ``id``, ``version`` and when it was written."""

    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True, metadata={
        "description": "Send it back when editing: a stale version is refused with 409"})
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


def version_field() -> fields.Integer:
    return fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "The version you read; 409 if someone saved since"})


@cache
def update_schema_class(schema_class: type[ma.Schema]) -> type[ma.Schema]:
    """``schema_class`` with ``version`` required on load (one class per schema, for OpenAPI)."""
    base = schema_class.__name__.removesuffix("Schema")
    return type(f"{base}UpdateSchema", (schema_class,), {"version": version_field()})


def for_update(schema_class: type[ma.Schema]) -> ma.Schema:
    """The PATCH schema of ``schema_class``: any subset of its fields, plus the version read."""
    cls = update_schema_class(schema_class)
    optional = tuple(name for name in cls._declared_fields if name != "version")
    return cls(partial=optional)
