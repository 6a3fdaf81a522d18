"""Attachments in S3-compatible storage, against an in-process S3 server (moto) on 127.0.0.1."""
import io

import boto3
import pytest
from huiwu_example.models import Note
from moto.server import ThreadedMotoServer
from sqlalchemy import select

from core.db.session import ConfigError
from core.services import attachments
from core.services.storage import (
    LocalStorage,
    S3Storage,
    key_for,
    storage_from_url,
    storage_of,
    use_storage,
)


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(monkeypatch, s3_endpoint):
    """The standard environment an operator sets for MinIO or any S3-compatible service."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3")
    client.create_bucket(Bucket="huiwu-files")
    yield client
    for obj in client.list_objects_v2(Bucket="huiwu-files").get("Contents", []):
        client.delete_object(Bucket="huiwu-files", Key=obj["Key"])
    client.delete_bucket(Bucket="huiwu-files")


def object_keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket="huiwu-files").get("Contents", []))


def test_the_storage_url_chooses_the_backend(s3_env, tmp_path):
    backend = storage_from_url("s3://huiwu-files/prod/attachments", tmp_path)
    assert isinstance(backend, S3Storage)
    assert (backend.bucket, backend.object_key("ab/cd/x")) == ("huiwu-files", "prod/attachments/ab/cd/x")
    assert isinstance(storage_from_url("", tmp_path), LocalStorage)
    assert storage_from_url(f"file://{tmp_path}/files", tmp_path).root == tmp_path / "files"
    with pytest.raises(ConfigError, match="HUIWU_STORAGE_URL"):
        storage_from_url("ftp://files.example/x", tmp_path)


def test_put_get_exists_delete(s3_env, tmp_path):
    backend = storage_from_url("s3://huiwu-files/prefix", tmp_path)
    key = key_for("ab" * 32)
    assert not backend.exists(key)
    backend.put(key, io.BytesIO(b"agenda"))
    assert backend.exists(key)
    assert object_keys(s3_env) == [f"prefix/ab/ab/{'ab' * 32}"]
    with backend.get(key) as body:
        assert body.read() == b"agenda"
    backend.delete(key)
    assert not backend.exists(key)
    with pytest.raises(FileNotFoundError):
        backend.get(key)


def test_attachments_round_trip_through_s3(kernel, s3_env, tmp_path, plugin_enabled, make_user, app):
    from core.testing import login_client

    plugin_enabled("example")
    alice = make_user("alice", roles=["note_taker"])
    before = storage_of(kernel)
    use_storage(kernel, storage_from_url("s3://huiwu-files/att", tmp_path))
    try:
        with kernel.system_session() as s:
            note = Note(title="南京年会", created_by_id=alice.id)
            s.add(note)
            s.flush()
            first = attachments.attach(s, note, "合同.pdf", io.BytesIO(b"%PDF contract"))
            attachments.attach(s, note, "合同-副本.pdf", io.BytesIO(b"%PDF contract"))
            s.commit()
        assert object_keys(s3_env) == [f"att/{key_for(first.sha256)}"]  # stored once
        with login_client(app.test_client(), alice.id).get(f"/attachments/{first.id}") as response:
            assert response.status_code == 200 and response.data == b"%PDF contract"
        with kernel.system_session() as s:
            for att in s.execute(select(attachments.Attachment)).scalars():
                attachments.delete_attachment(s, att)
            s.commit()
        assert object_keys(s3_env) == []
    finally:
        use_storage(kernel, before)
