"""A resource's photos: uploaded on its details page, shown there and in the API, guarded like the resource."""
from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.testing import csrf_from

#: The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                      "ffff3f0005fe02fea7d605cc0000000049454e44ae426082")


def upload(client, resource_id, filename, data, form_page=None):
    """Post a file as the details page's upload form does (the CSRF token from ``form_page`` when given)."""
    page = client.get(form_page or f"/admin/resources_catalogue/details/?id={resource_id}").get_data(as_text=True)
    boundary, body = encode_multipart({"csrf_token": csrf_from(page),
                                       "file": FileStorage(io.BytesIO(data), filename=filename)})
    return client.post(f"/admin/resources_catalogue/attachments/upload/?id={resource_id}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_photos_are_uploaded_on_the_details_page_and_shown_in_the_admin_and_the_api(
        db, client_as, make_resource, make_user):
    hall = make_resource("国际会议厅", code="VEN-0001")
    ident = hall.id
    db.rollback()
    manager = client_as("resource_manager")
    assert upload(manager, ident, "大厅全景.png", PIXEL).status_code == 302
    assert upload(manager, ident, "平面图.pdf", b"%PDF-1.4 floor plan").status_code == 302

    page = manager.get(f"/admin/resources_catalogue/details/?id={ident}").get_data(as_text=True)
    gallery = page.split('id="photos"')[1].split("</div>")[0]
    assert 'alt="大厅全景.png"' in gallery and "平面图.pdf" not in gallery
    assert "平面图.pdf" in page  # listed with the attachments, not as a photo

    api = client_as("resource_manager", api_csrf=False)
    photos = api.get(f"/api/v1/resources/resources/{ident}").get_json()["photos"]
    assert [p["filename"] for p in photos] == ["大厅全景.png"]
    with api.get(photos[0]["url"]) as image:  # closed: the file is streamed from the store
        assert image.status_code == 200 and image.data == PIXEL and image.mimetype == "image/png"

    stranger = client_as(make_user("outsider", permissions=["project.project.read"]))
    assert stranger.get(photos[0]["url"]).status_code == 404


def test_a_project_manager_sees_the_photos_but_does_not_upload(db, client_as, make_resource, pm):
    hall = make_resource("国际会议厅")
    ident = hall.id
    db.rollback()
    reader = client_as(pm)
    page = reader.get(f"/admin/resources_catalogue/details/?id={ident}").get_data(as_text=True)
    assert "国际会议厅" in page and 'id="attachment-upload"' not in page
    assert upload(reader, ident, "大厅全景.png", PIXEL, form_page="/admin/resources_bookings/new/").status_code == 403
