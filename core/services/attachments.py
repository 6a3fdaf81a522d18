"""Attachments of any record: stored content-addressed on disk or in S3.

CONTRACT (implementation pending)::

    att = attach(session, record, "合同.pdf", stream, "application/pdf")   # size/type limits checked
    attachments_of(session, record) -> list[Attachment]
    url_for("attachments.download", attachment_id=att.id)   # only for users who may see ``record``
"""
from __future__ import annotations


def attach(session, record, filename: str, stream, content_type: str | None = None):
    raise NotImplementedError


def attachments_of(session, record) -> list:
    raise NotImplementedError
