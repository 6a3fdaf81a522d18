"""Possible duplicates are flagged, not refused, when a customer or contact is created."""
from sqlalchemy import select

from plugins.crm.models import DuplicateFlag
from plugins.crm.operations import customers as ops

CODE = "91350100M000100Y43"


def _flags(db):
    return [(f.reason, f.score) for f in db.scalars(select(DuplicateFlag).order_by(DuplicateFlag.id))]


def test_same_credit_code_is_flagged(db, customer):
    first = customer("福州海峡会展有限公司", credit_code=CODE)
    second, flags = ops.create_customer(db, {"name": "海峡会展（福州）", "credit_code": CODE})
    db.commit()
    assert [(f.other_customer_id, f.reason) for f in flags] == [(first, "credit_code")]
    assert second.id != first  # saved all the same


def test_very_similar_name_is_flagged_and_different_one_is_not(db, customer):
    customer("北京华信医药股份有限公司")
    _, flags = ops.create_customer(db, {"name": "北京华信医药有限公司"})
    assert [(f.reason, f.score) for f in flags] == [("name", 100)]
    _, flags = ops.create_customer(db, {"name": "北京华信医疗有限公司"})
    assert [f.reason for f in flags] == []  # 北京华信医疗 vs 北京华信医药: 83 % < 90 %
    _, flags = ops.create_customer(db, {"name": "北京华信医药科技有限公司"})
    assert [f.reason for f in flags] == ["name", "name"]  # like both earlier 华信医药 rows


def test_same_phone_on_another_customer_is_flagged(db, customer, contact):
    a = customer("上海云途网络科技有限公司")
    b = customer("上海远航汽车有限公司")
    first = contact(a, "李娜", mobile="13912345678")
    _person, flags = ops.create_contact(db, ops.get_customer(db, b), {"name": "李娜", "mobile": "139-1234-5678"})
    db.commit()
    assert [(f.other_contact_id, f.reason) for f in flags] == [(first, "mobile")]
    assert ("mobile", 100) in _flags(db)


def test_api_returns_flags_and_admin_lists_them(admin_client, customer):
    customer("杭州西湖文旅集团有限公司", credit_code=CODE)
    made = admin_client.post("/api/v1/crm/customers", json={"name": "杭州西湖文旅有限公司", "credit_code": CODE})
    assert made.status_code == 201
    # one flag per other customer; the credit code is the stronger reason
    assert [f["reason"] for f in made.get_json()["duplicate_flags"]] == ["credit_code"]
    page = admin_client.get("/admin/crm_duplicates/").get_data(as_text=True)
    assert "杭州西湖文旅有限公司" in page
