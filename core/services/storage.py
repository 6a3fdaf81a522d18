"""Where attachment bytes live: a local folder by default, S3-compatible storage when configured.

Content-addressed: a file is stored under its SHA-256, so the same contract
attached to ten records is kept once, and a key never changes meaning.
``HUIWU_STORAGE_URL`` chooses the backend:

- empty (default): ``<instance>/attachments/ab/cd/<sha256>``
- ``file:///srv/huiwu/files``: the same layout under that folder
- ``s3://bucket/prefix``: boto3; endpoint, region and credentials come from
  the standard environment (``AWS_ENDPOINT_URL`` for MinIO and the like,
  ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from core.db.session import ConfigError


class Storage(Protocol):
    """What a backend does; keys come from ``key_for`` and are never reused for other bytes."""

    def put(self, key: str, fileobj: BinaryIO) -> None:
        """Store the bytes of ``fileobj`` (read from its current position) under ``key``."""

    def get(self, key: str) -> BinaryIO:
        """A readable binary stream of the bytes under ``key``; ``FileNotFoundError`` if none."""

    def delete(self, key: str) -> None:
        """Forget ``key``; nothing happens when it does not exist."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds bytes."""


def key_for(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class LocalStorage:
    """Files in a folder; writes go to a temporary file renamed into place, so a reader
    never sees half a file and two writers of the same content do not collide."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key {key!r} leaves the storage folder")
        return path

    def put(self, key: str, fileobj: BinaryIO) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(fileobj, out, 1024 * 1024)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


class S3Storage:
    """Objects in an S3-compatible bucket, under ``prefix/``."""

    def __init__(self, bucket: str, prefix: str = "", client=None):
        if client is None:
            import boto3  # optional dependency: only S3 deployments install it

            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def object_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, fileobj: BinaryIO) -> None:
        self.client.upload_fileobj(fileobj, self.bucket, self.object_key(key))

    def get(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def storage_from_url(url: str, instance_path: Path) -> Storage:
    """The backend ``HUIWU_STORAGE_URL`` names (see the module docstring)."""
    if not url:
        return LocalStorage(Path(instance_path) / "attachments")
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStorage(Path(parts.path))
    if parts.scheme == "s3" and parts.netloc:
        return S3Storage(parts.netloc, parts.path)
    raise ConfigError(f"HUIWU_STORAGE_URL {url!r} is not understood; use file:///folder or s3://bucket/prefix")


_backends: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def storage_of(kernel) -> Storage:
    """The kernel's backend, made once per kernel (boto3 clients are thread-safe)."""
    backend = _backends.get(kernel)
    if backend is None:
        backend = storage_from_url(kernel.settings.storage_url, kernel.settings.instance_path)
        _backends[kernel] = backend
    return backend


def use_storage(kernel, backend: Storage) -> None:
    """Replace the kernel's backend (tests, or an application wiring its own client)."""
    _backends[kernel] = backend
