"""Attachments: limits checked before storing, content stored once, files only for who sees the record."""
import io

import pytest
from flask_babel import lazy_gettext as _l
from huiwu_example.models import Note
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.admin import SecureModelView
from core.app import create_app
from core.errors import ValidationFailed
from core.services import attachments, settings
from core.services.attachments_admin import AttachmentsMixin
from core.services.models import Attachment
from core.services.storage import LocalStorage, storage_of, use_storage
from core.testing import csrf_from, login_client

PDF = b"%PDF-1.4 contract of the Hangzhou dealers' conference"


@pytest.fixture
def store(kernel, tmp_path):
    """Attachments go to a folder of this test's own."""
    before = storage_of(kernel)
    backend = LocalStorage(tmp_path / "files")
    use_storage(kernel, backend)
    yield backend
    use_storage(kernel, before)


def stored_files(backend) -> list:
    return sorted(p.name for p in backend.root.rglob("*") if p.is_file())


@pytest.fixture
def notes(kernel, plugin_enabled, make_user):
    plugin_enabled("example")
    alice = make_user("alice", roles=["note_taker"])
    bob = make_user("bob", roles=["note_taker"])
    with kernel.system_session() as s:
        a = Note(title="杭州经销商大会", created_by_id=alice.id)
        b = Note(title="bob's note", created_by_id=bob.id)
        s.add_all([a, b])
        s.commit()
    return {"alice": alice, "bob": bob, "a": a.id, "b": b.id}


def attach_as_system(kernel, note_id, filename="合同.pdf", data=PDF, **kwargs):
    with kernel.system_session() as s:
        att = attachments.attach(s, s.get(Note, note_id), filename, io.BytesIO(data), **kwargs)
        s.commit()
        return att


def test_attach_list_and_read_back(kernel, store, notes):
    att = attach_as_system(kernel, notes["a"])
    with kernel.system_session() as s:
        note = s.get(Note, notes["a"])
        [listed] = attachments.attachments_of(s, note)
        assert (listed.filename, listed.content_type, listed.size) == ("合同.pdf", "application/pdf", len(PDF))
        assert (listed.owner_table, listed.owner_id) == ("example_note", str(notes["a"]))
        assert attachments.read_bytes(s, listed) == PDF
    assert stored_files(store) == [att.sha256]
    assert (store.root / att.sha256[:2] / att.sha256[2:4] / att.sha256).is_file()


def test_equal_contents_are_stored_once_and_removed_with_their_last_attachment(kernel, store, notes):
    first = attach_as_system(kernel, notes["a"], "合同.pdf")
    second = attach_as_system(kernel, notes["b"], "合同副本.pdf")
    assert first.sha256 == second.sha256 and len(stored_files(store)) == 1
    with kernel.system_session() as s:
        attachments.delete_attachment(s, s.get(Attachment, first.id))
        s.commit()
    assert len(stored_files(store)) == 1  # the copy still uses it
    with kernel.system_session() as s:
        attachments.delete_attachment(s, s.get(Attachment, second.id))
        s.rollback()  # changed their mind: nothing goes
    assert len(stored_files(store)) == 1
    with kernel.system_session() as s:
        attachments.delete_attachment(s, s.get(Attachment, second.id))
        s.commit()
    assert stored_files(store) == []


def test_an_oversize_file_is_refused_naming_the_field_and_nothing_is_stored(kernel, store, notes):
    with kernel.system_session() as s:
        settings.set_value(s, "core.upload.max_mb", 1)
        s.commit()
    with pytest.raises(ValidationFailed) as refused:
        attach_as_system(kernel, notes["a"], "场地照片.jpg", b"x" * (1024 * 1024 + 1), field="photo")
    assert refused.value.field == "photo"
    assert "场地照片.jpg is larger than the limit of 1 MB" in str(refused.value.message)
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(store) == []


@pytest.mark.parametrize("filename, data", [("setup.exe", b"MZ"), ("notes", b"text"), ("空.pdf", b"")])
def test_types_not_allowed_and_empty_files_are_refused(kernel, store, notes, filename, data):
    with pytest.raises(ValidationFailed) as refused:
        attach_as_system(kernel, notes["a"], filename, data)
    assert refused.value.field == "file"
    assert stored_files(store) == []


def test_filenames_lose_their_folders():
    assert attachments.clean_filename("C:\\Users\\li\\报价单.xlsx") == "报价单.xlsx"
    assert attachments.clean_filename("../../etc/passwd") == "passwd"


# -- downloading -------------------------------------------------------------------------

def test_only_users_who_see_the_record_may_download(app, kernel, store, notes):
    att = attach_as_system(kernel, notes["a"])
    url = f"/attachments/{att.id}"
    with login_client(app.test_client(), notes["alice"].id).get(url) as mine:
        assert mine.status_code == 200 and mine.data == PDF
        assert mine.headers["Content-Type"] == "application/pdf"
        assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert login_client(app.test_client(), notes["bob"].id).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # to the login page
    assert login_client(app.test_client(), notes["alice"].id).get("/attachments/999999").status_code == 404


def test_a_required_permission_is_checked_too(app, kernel, store, notes, make_user):
    att = attach_as_system(kernel, notes["a"], read_permission="example.note.read_all")
    assert login_client(app.test_client(), notes["alice"].id).get(f"/attachments/{att.id}").status_code == 404
    boss = make_user("boss", roles=["note_taker"], permissions=["example.note.read_all"])
    with login_client(app.test_client(), boss.id).get(f"/attachments/{att.id}") as response:
        assert response.status_code == 200


def test_files_of_a_disabled_module_are_not_served(app, kernel, store, notes):
    from core.testing import plugin_state

    att = attach_as_system(kernel, notes["a"])
    client = login_client(app.test_client(), notes["alice"].id)
    with plugin_state(kernel, "example", False):
        assert client.get(f"/attachments/{att.id}").status_code == 404
    with plugin_state(kernel, "example", True), client.get(f"/attachments/{att.id}") as response:
        assert response.status_code == 200


def test_pages_and_scripts_are_never_shown_inline(app, kernel, store, notes):
    with kernel.system_session() as s:
        settings.set_value(s, "core.upload.allowed_extensions", "pdf, html")
        s.commit()
    page = attach_as_system(kernel, notes["a"], "evil.html", b"<script>alert(1)</script>")
    pdf = attach_as_system(kernel, notes["a"], "合同.pdf")
    client = login_client(app.test_client(), notes["alice"].id)
    with client.get(f"/attachments/{page.id}") as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "sandbox" in response.headers["Content-Security-Policy"]
    with client.get(f"/attachments/{pdf.id}") as response:
        assert response.headers["Content-Disposition"].startswith("inline")
        assert "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf" in response.headers["Content-Disposition"]


# -- the details page section ------------------------------------------------------------

class NoteFilesView(AttachmentsMixin, SecureModelView):
    permission_prefix = "example.note"
    column_list = ("title",)


@pytest.fixture(scope="module")
def files_app(kernel):
    """An app whose notes page opted into attachments, as a plugin's view would."""
    app = create_app(kernel=kernel)
    view = NoteFilesView(Note, kernel.session, name=_l("Notes"), endpoint="note_files")
    view.plugin = "example"
    app.extensions["huiwu.owners"].claim_prefix("note_files", "example")
    app.extensions["huiwu.admin"].add_view(view)
    return app


def details(client, note_id):
    return client.get(f"/admin/note_files/details/?id={note_id}").get_data(as_text=True)


def upload(client, note_id, filename, data, csrf):
    # encoded in memory: the test client would spool a large body to a file it never closes
    boundary, body = encode_multipart({"csrf_token": csrf,
                                       "file": FileStorage(io.BytesIO(data), filename=filename)})
    return client.post(f"/admin/note_files/attachments/upload/?id={note_id}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_list_and_remove_on_the_details_page(files_app, kernel, store, notes):
    alice = login_client(files_app.test_client(), notes["alice"].id)
    page = details(alice, notes["a"])
    assert "No attachments yet." in page and 'id="attachment-upload"' in page
    response = upload(alice, notes["a"], "会议议程.docx", b"agenda", csrf_from(page))
    assert response.status_code == 302
    page = details(alice, notes["a"])
    assert "会议议程.docx" in page and "Alice" in page
    with kernel.system_session() as s:
        att = s.execute(select(Attachment)).scalar_one()
    assert f'href="/attachments/{att.id}"' in page
    removed = alice.post(f"/admin/note_files/attachments/delete/?id={notes['a']}&attachment={att.id}",
                         data={"csrf_token": csrf_from(page)})
    assert removed.status_code == 302
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(store) == []


def test_an_oversize_upload_is_refused_next_to_the_field(files_app, kernel, store, notes):
    with kernel.system_session() as s:
        settings.set_value(s, "core.upload.max_mb", 1)
        s.commit()
    alice = login_client(files_app.test_client(), notes["alice"].id)
    page = details(alice, notes["a"])
    response = upload(alice, notes["a"], "宣传片.pdf", b"x" * (2 * 1024 * 1024), csrf_from(page))
    assert response.status_code == 422
    assert 'data-error-for="file">宣传片.pdf is larger than the limit of 1 MB.' in response.get_data(as_text=True)
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    assert stored_files(store) == []


def test_a_hidden_record_takes_no_uploads_and_shows_no_files(files_app, kernel, store, notes):
    attach_as_system(kernel, notes["a"])
    bob = login_client(files_app.test_client(), notes["bob"].id)
    csrf = csrf_from(details(bob, notes["b"]))
    assert upload(bob, notes["a"], "x.pdf", PDF, csrf).status_code == 404
    assert bob.post(f"/admin/note_files/attachments/delete/?id={notes['a']}&attachment=1",
                    data={"csrf_token": csrf}).status_code == 404
    with kernel.system_session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1


def test_readers_see_files_but_may_not_upload(files_app, kernel, store, notes, make_user):
    attach_as_system(kernel, notes["a"])
    reader = make_user("reader", permissions=["example.note.read", "example.note.read_all"])
    client = login_client(files_app.test_client(), reader.id)
    page = details(client, notes["a"])
    assert "合同.pdf" in page and 'id="attachment-upload"' not in page
    csrf = csrf_from(client.get("/login").get_data(as_text=True))  # a valid token of this session
    assert upload(client, notes["a"], "x.pdf", PDF, csrf).status_code == 403
