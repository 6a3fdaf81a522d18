"""An uploaded .eml file becomes an e-mail record on the right customer's timeline."""
import io
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from core.errors import Conflict, ValidationFailed
from core.services import attachments
from plugins.crm.models import Communication
from plugins.crm.operations.email_import import import_eml


def eml(sender="Lin Tao <lin@haixia.example>", to="sales@huiwu.example", attach=True):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "关于十月年会的场地需求"
    msg["Date"] = "Tue, 02 Jun 2026 09:30:00 +0800"
    msg["Message-ID"] = "<20260602093000.1@haixia.example>"
    msg.set_content("您好，我们计划十月在杭州举办年会，约300人。\n请提供场地方案。")
    if attach:
        msg.add_attachment(b"%PDF-1.4 demo", maintype="application", subtype="pdf", filename="需求说明.pdf")
    return msg.as_bytes()


def test_sender_is_matched_to_a_contact(db, customer, contact):
    cid = customer("福州海峡会展有限公司")
    person = contact(cid, "林涛", email="Lin@Haixia.example")
    record = import_eml(db, eml())
    db.commit()
    assert (record.customer_id, record.contact_id, record.kind, record.direction) == (cid, person, "email", "in")
    assert record.subject == "关于十月年会的场地需求"
    assert "约300人" in record.body
    assert record.occurred_at.isoformat() == "2026-06-02T01:30:00+00:00"
    assert record.attachment_names == "需求说明.pdf"


def test_mail_to_a_contact_is_outgoing_and_not_recorded_twice(db, customer, contact):
    cid = customer("厦门鹭岛会展有限公司")
    contact(cid, "陈雪", email="chen@ludao.example")
    data = eml(sender="wuli@huiwu.example", to="陈雪 <chen@ludao.example>", attach=False)
    assert import_eml(db, data).direction == "out"
    with pytest.raises(Conflict):
        import_eml(db, data)


def test_unknown_sender_needs_a_customer(db, customer):
    cid = customer("泉州刺桐文旅有限公司")
    with pytest.raises(ValidationFailed) as err:
        import_eml(db, eml(sender="someone@else.example"))
    assert err.value.field == "customer_id"
    assert import_eml(db, eml(sender="someone@else.example"), customer_id=cid).customer_id == cid


def test_upload_through_the_admin(admin_client, customer, contact, db):
    from core.testing import csrf_from

    cid = customer("福州海峡会展有限公司")
    contact(cid, "林涛", email="lin@haixia.example")
    page = admin_client.get("/admin/crm_communications/eml/")
    answer = admin_client.post("/admin/crm_communications/eml/", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "file": (io.BytesIO(eml()), "mail.eml")},
        content_type="multipart/form-data")
    assert answer.status_code == 302 and f"id={cid}" in answer.headers["Location"]
    assert db.scalar(select(Communication.subject)) == "关于十月年会的场地需求"


def test_attachments_are_stored_when_the_kernel_stores_files(db, customer, contact):
    cid = customer("福州海峡会展有限公司")
    contact(cid, "林涛", email="lin@haixia.example")
    record = import_eml(db, eml())
    db.commit()
    assert len(attachments.attachments_of(db, record)) == 1  # 需求说明.pdf


def test_file_on_a_record_through_the_api(admin_client, customer, db):
    cid = customer("泉州刺桐文旅有限公司")
    record = admin_client.post("/api/v1/crm/communications", json={
        "customer_id": cid, "kind": "minutes", "subject": "方案评审会纪要"}).get_json()
    answer = admin_client.post(f"/api/v1/crm/communications/{record['id']}/files",
                               data={"file": (io.BytesIO(b"%PDF-1.4"), "纪要.pdf")},
                               content_type="multipart/form-data")
    assert answer.status_code == 201 and answer.get_json()["attachment_names"] == ["纪要.pdf"]
