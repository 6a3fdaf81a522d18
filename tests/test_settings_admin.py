"""The Settings page: grouped by module, validated next to each field, stale edits refused."""
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.services import company, settings
from core.services.models import Attachment
from core.services.settings import SettingSpec

PAGE = "/admin/settings/"


class _FormReader(HTMLParser):
    """What a browser would submit from a page's forms: inputs, checked boxes, textareas, selects."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.data):
            self.data[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_of(html: str) -> dict:
    reader = _FormReader()
    reader.feed(html)
    return reader.data


@pytest.fixture
def vat(kernel, plugin_enabled):
    plugin_enabled("example")
    spec = SettingSpec("example.vat_rate", Decimal, Decimal("0.06"), "VAT rate", min_value=0, max_value=1,
                       plugin="example")
    kernel.setting_specs[spec.key] = spec
    yield spec
    kernel.setting_specs.pop(spec.key)


def test_page_groups_settings_by_module(admin_client, vat):
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert 'data-settings-group="core"' in html and "General" in html
    assert "Company profile" in html and "Unified social credit code" in html and "Uploads" in html
    assert 'data-settings-group="example"' in html and "Notes" in html and "VAT rate" in html


def test_saving_valid_values(admin_client, kernel, vat):
    form = form_of(admin_client.get(PAGE).get_data(as_text=True))
    form.update({"core.company.name": "北京华会国际会议服务有限公司", "example.vat_rate": "0.09"})
    response = admin_client.post(PAGE, data=form)
    assert response.status_code == 302
    with kernel.system_session() as s:
        assert company.profile(s).name == "北京华会国际会议服务有限公司"
        assert settings.get(s, "example.vat_rate") == Decimal("0.09")
    assert "Settings saved." in admin_client.get(PAGE).get_data(as_text=True)


def test_invalid_values_are_shown_next_to_their_fields_and_nothing_is_saved(admin_client, kernel, vat):
    form = form_of(admin_client.get(PAGE).get_data(as_text=True))
    form.update({"core.company.name": "华会", "example.vat_rate": "lots", "core.upload.max_mb": "500"})
    response = admin_client.post(PAGE, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="example.vat_rate">VAT rate: enter a number' in html
    assert 'data-error-for="core.upload.max_mb">Largest upload (MB): must be at most 64.' in html
    assert 'value="lots"' in html  # what was typed stays in the form
    with kernel.system_session() as s:
        assert company.profile(s).name == ""


def test_a_stale_form_gets_a_conflict_and_keeps_the_other_change(admin_client, kernel, vat):
    mine = form_of(admin_client.get(PAGE).get_data(as_text=True))
    theirs = form_of(admin_client.get(PAGE).get_data(as_text=True))
    theirs["example.vat_rate"] = "0.13"
    assert admin_client.post(PAGE, data=theirs).status_code == 302
    mine["example.vat_rate"] = "0.09"
    response = admin_client.post(PAGE, data=mine)
    assert response.status_code == 409
    assert "Someone else changed this setting" in response.get_data(as_text=True)
    with kernel.system_session() as s:
        assert settings.get(s, "example.vat_rate") == Decimal("0.13")


def test_readers_see_the_page_but_may_not_save(client_as, make_user, kernel):
    reader = client_as(make_user("reader", permissions=["core.setting.read"]))
    html = reader.get(PAGE).get_data(as_text=True)
    assert "Company name" in html and 'id="settings-save"' not in html
    form = form_of(html)
    form["core.company.name"] = "冒名公司"
    assert reader.post(PAGE, data=form).status_code == 403
    outsider = client_as(make_user("outsider", permissions=["core.job.read"]))
    assert outsider.get(PAGE).status_code == 403
    with kernel.system_session() as s:
        assert company.profile(s).name == ""


def test_the_logo_is_uploaded_on_the_settings_page(admin_client, client_as, make_user, kernel):
    form = form_of(admin_client.get(PAGE).get_data(as_text=True))
    form["core.company.logo"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n logo"), "logo.png")
    response = admin_client.post(PAGE, data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    with kernel.system_session() as s:
        logo = s.execute(select(Attachment)).scalar_one()
        assert company.profile(s).logo_id == logo.id
        assert company.logo_bytes(s) == b"\x89PNG\r\n\x1a\n logo"
    assert "logo.png" in admin_client.get(PAGE).get_data(as_text=True)
    # any member of staff may fetch the logo (it is printed on every contract)
    staff = client_as(make_user("staff"))
    with staff.get(f"/attachments/{logo.id}") as download:
        assert download.status_code == 200 and download.data.endswith(b"logo")
        assert download.headers["Content-Type"] == "image/png"


def test_page_in_chinese(kernel, admin_client):
    with admin_client.session_transaction() as sess:
        sess["locale"] = "zh_Hans"
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "公司名称" in html and "统一社会信用代码" in html and "上传" in html
