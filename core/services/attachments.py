"""Attachments of any record: checked on the way in, stored once, shown only to who may see the record.

::

    att = attach(session, contract, "合同.pdf", stream)      # size and type limits checked
    attachments_of(session, contract)                        # -> [Attachment, ...]
    url_for("attachments.download", attachment_id=att.id)     # 404 unless the user may see ``contract``

An attachment points at its owner by table name and primary key, so any
plugin's table can have files without a table of its own. Whether a user may
download one is decided by loading the owner through the user's session:
the record rules that hide the record hide its files too. The bytes are
content-addressed (``core.services.storage``), so equal files are stored once.
"""
from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import re
import tempfile
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.types import Integer

from core.db.base import Base
from core.errors import ValidationFailed
from core.security.principal import current
from core.services import settings
from core.services.models import Attachment
from core.services.settings import SettingSpec
from core.services.storage import key_for, storage_of

log = logging.getLogger(__name__)

SECTION = _l("Uploads")
DEFAULT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "jpg", "jpeg",
                      "png", "gif", "webp", "zip", "rar", "7z"]
#: Types a browser may show in the page; anything else is always downloaded (no stored XSS).
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
CHUNK = 64 * 1024
BLOBS_TO_CHECK = "huiwu.attachment_blobs"


def _extensions(value: list[str]) -> list[str]:
    return sorted({v.strip().lstrip(".").lower() for v in value if v.strip().lstrip(".")})


SETTINGS = [
    SettingSpec("core.upload.max_mb", int, 20, _l("Largest upload (MB)"),
                _l("Files larger than this are refused."), min_value=1, max_value=64, section=SECTION),
    SettingSpec("core.upload.allowed_extensions", "list", DEFAULT_EXTENSIONS, _l("Allowed file types"),
                _l("File name extensions, separated by commas, such as pdf, docx, jpg."),
                normalise=_extensions, section=SECTION),
]


# -- owners --------------------------------------------------------------------------

def owner_key(record) -> tuple[str, str]:
    """(table name, primary key as text) of a saved record."""
    state = inspect(record)
    if state.identity is None:
        raise ValueError("save the record (flush) before attaching files to it")
    if len(state.identity) != 1:
        raise ValueError("attachments need a record with a single-column primary key")
    return state.mapper.local_table.name, str(state.identity[0])


_models_by_table: dict[str, type] = {}


def model_for_table(table_name: str) -> type | None:
    if table_name not in _models_by_table:
        for mapper in Base.registry.mappers:
            if mapper.inherits is None and mapper.local_table is not None:
                _models_by_table.setdefault(mapper.local_table.name, mapper.class_)
    return _models_by_table.get(table_name)


def load_owner(session, att: Attachment):
    """The record ``att`` belongs to, as the session's user sees it; None when hidden or gone.

    Loaded with a query (not the identity map) so the session's record rules
    decide; a record of a disabled module counts as hidden.
    """
    model = model_for_table(att.owner_table)
    if model is None:
        return None
    kernel = session.info["kernel"]
    if not kernel.registry.is_enabled(session, kernel.registry.plugin_of_module(model.__module__)):
        return None
    pk = model.__mapper__.primary_key[0]
    try:
        ident = int(att.owner_id) if isinstance(pk.type, Integer) else att.owner_id
    except ValueError:
        return None
    return session.execute(select(model).where(pk == ident)).scalar_one_or_none()


def may_read(session, att: Attachment) -> bool:
    """Whether the session's user may download ``att``: logged in, permitted, owner visible."""
    principal = current(session)
    if not principal.authenticated:
        return False
    if att.read_permission and not principal.can(att.read_permission):
        return False
    return load_owner(session, att) is not None


# -- reading -------------------------------------------------------------------------

def attachments_of(session, record) -> list[Attachment]:
    """The files of ``record``, oldest first."""
    table, ident = owner_key(record)
    return list(session.execute(
        select(Attachment).where(Attachment.owner_table == table, Attachment.owner_id == ident)
        .order_by(Attachment.created_at, Attachment.id)
    ).scalars())


def get_attachment(session, attachment_id: int) -> Attachment | None:
    return session.get(Attachment, attachment_id)


def open_stream(session, att: Attachment) -> BinaryIO:
    """A readable stream of the file's bytes (the caller closes it)."""
    return storage_of(session.info["kernel"]).get(att.storage_key)


def read_bytes(session, att: Attachment) -> bytes:
    with open_stream(session, att) as stream:
        return stream.read()


def serve_inline(att: Attachment) -> bool:
    return att.content_type in INLINE_TYPES


# -- writing -------------------------------------------------------------------------

def upload_limits(session) -> tuple[int, list[str]]:
    """(largest size in bytes, allowed extensions) as the administrator set them."""
    v = settings.values(session, ["core.upload.max_mb", "core.upload.allowed_extensions"])
    return v["core.upload.max_mb"] * 1024 * 1024, _extensions(v["core.upload.allowed_extensions"])


def clean_filename(filename: str | None) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip().strip(".")
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name


def attach(session, record, filename: str, stream, content_type: str | None = None, *,
           field: str = "file", read_permission: str | None = None) -> Attachment:
    """Store a file for ``record`` in the caller's transaction and return its Attachment.

    Refuses (``ValidationFailed`` naming ``field``) an empty file, a type not
    in the allowed extensions and a file over the size limit, before anything
    is stored. ``stream`` is a binary file object (or bytes). ``read_permission``
    adds a permission a downloader needs on top of seeing ``record``.
    """
    name = clean_filename(filename)
    if not name:
        raise ValidationFailed(_("Choose a file to upload."), field=field)
    max_bytes, allowed = upload_limits(session)
    ext = os.path.splitext(name)[1].lstrip(".").lower()
    if ext not in allowed:
        raise ValidationFailed(
            _("%(name)s: files of this type are not accepted. Allowed: %(allowed)s.",
              name=name, allowed=", ".join(allowed)), field=field)
    owner_table, owner_id = owner_key(record)
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        digest, size = hashlib.sha256(), 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ValidationFailed(
                    _("%(name)s is larger than the limit of %(max)s MB.", name=name,
                      max=max_bytes // (1024 * 1024)), field=field)
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise ValidationFailed(_("%(name)s is empty.", name=name), field=field)
        sha = digest.hexdigest()
        key = key_for(sha)
        backend = storage_of(session.info["kernel"])
        if not backend.exists(key):
            spool.seek(0)
            backend.put(key, spool)
    guessed = mimetypes.guess_type(name)[0]
    att = Attachment(owner_table=owner_table, owner_id=owner_id, filename=name,
                     content_type=guessed or content_type or "application/octet-stream",
                     size=size, sha256=sha, storage_key=key, read_permission=read_permission)
    session.add(att)
    session.flush()
    return att


def delete_attachment(session, att: Attachment) -> None:
    """Remove ``att`` in the caller's transaction; its bytes go after commit if nothing else uses them."""
    session.info.setdefault(BLOBS_TO_CHECK, set()).add(att.storage_key)
    session.delete(att)
    session.flush()


def attach_to_setting(session, key: str, filename: str, stream, content_type: str | None = None,
                      *, seen_version: int | None = None) -> Attachment:
    """Upload a file into an ``attachment`` setting (the company logo) and point the setting at it.

    The file belongs to the setting's row: whoever may use the system may
    download it (a logo is not a secret).
    """
    if settings.spec_of(session, key).type != "attachment":
        raise TypeError(f"setting {key!r} does not hold a file")
    row = settings.stored_row(session, key, seen_version)
    att = attach(session, row, filename, stream, content_type, field=key)
    row.value = att.id
    session.flush()
    return att


def install(session_class, kernel) -> None:
    """After a commit that deleted attachments, drop bytes no attachment uses any more.

    Runs on a connection of its own after the transaction ended (never while
    the session holds one, which on SQLite would wait on itself).
    """

    @event.listens_for(session_class, "after_commit")
    def _sweep(session):
        if session.in_nested_transaction():  # a savepoint released: the transaction goes on
            return
        keys = session.info.pop(BLOBS_TO_CHECK, None)
        if not keys:
            return
        try:
            with kernel.engine.connect() as conn:
                used = set(conn.execute(
                    select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))).scalars())
            backend = storage_of(kernel)
            for key in keys - used:
                backend.delete(key)
        except Exception:  # an orphaned file wastes space; a failed commit would lose data
            log.exception("could not remove unused attachment files %s", keys)

    @event.listens_for(session_class, "after_rollback")
    def _forget(session):
        if not session.in_nested_transaction():
            session.info.pop(BLOBS_TO_CHECK, None)
