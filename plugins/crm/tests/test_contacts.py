"""Personal data is encrypted at rest and still found by exact phone or e-mail."""
from sqlalchemy import text

from plugins.crm.operations import customers as ops


def test_raw_row_holds_no_plaintext_phone_or_email(kernel, customer, contact):
    cid = customer("上海云途网络科技有限公司")
    contact(cid, "李娜", mobile="139 1234 5678", email="Li.Na@yuntu.example", id_number="310101199001011234")
    with kernel.engine.connect() as conn:
        row = conn.execute(text("SELECT mobile, email, id_number, mobile_bidx FROM crm_contact")).one()
    raw = " ".join(str(v) for v in row)
    for secret in ("13912345678", "1234 5678", "yuntu", "310101199001011234"):
        assert secret not in raw
    assert row.mobile.startswith("v1:")


def test_lookup_by_phone_in_any_spelling(db, customer, contact):
    cid = customer("杭州数智会展服务有限公司")
    contact(cid, "王芳", mobile="13912345678")
    contact(cid, "赵磊", mobile="13700001111")
    found = ops.contacts_by_mobile(db, "+86 139-1234-5678")
    assert [c.name for c in found] == ["王芳"]
    assert found[0].mobile == "13912345678"


def test_lookup_by_email_ignores_case(db, customer, contact):
    cid = customer("深圳星河电子有限公司")
    contact(cid, "陈静", email="Chen.Jing@xinghe.example")
    assert [c.name for c in ops.contacts_by_email(db, "chen.jing@XINGHE.example")] == ["陈静"]


def test_api_phone_lookup(admin_client, customer, contact):
    cid = customer("北京华信医药有限公司")
    contact(cid, "周强", mobile="13812345678")
    found = admin_client.get("/api/v1/crm/contacts?mobile=138-1234-5678").get_json()
    assert [(c["name"], c["customer_id"], c["mobile"]) for c in found] == [("周强", cid, "13812345678")]
    bad = admin_client.get("/api/v1/crm/contacts?mobile=12345")
    assert bad.status_code == 422
    assert "mobile" in bad.get_json()["errors"]
