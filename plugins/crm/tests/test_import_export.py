"""Excel import: a report row by row, all or nothing unless asked; export to XLSX and CSV."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from plugins.crm.models import Contact, Customer
from plugins.crm.operations.importing import import_workbook

GOOD_CODE = "91350100M000100Y43"


@pytest.fixture
def run_import(app):
    """Import as a request does: vocabulary cells may hold Chinese or English labels."""

    def run(db, stream, **options):
        with app.test_request_context():
            return import_workbook(db, stream, **options)

    return run


def workbook(customers, contacts=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["客户名称", "统一社会信用代码", "行业", "城市", "客户经理"])
    for row in customers:
        sheet.append(list(row))
    if contacts:
        people = book.create_sheet("联系人")
        people.append(["客户", "姓名", "职务", "手机", "邮箱"])
        for row in contacts:
            people.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def counts(db):
    return (db.scalar(select(func.count()).select_from(Customer)),
            db.scalar(select(func.count()).select_from(Contact)))


FILE = {
    "customers": [("福州海峡会展有限公司", GOOD_CODE, "医药健康", "福州", "admin"),
               ("厦门鹭岛会展有限公司", "91350100M000100Y44", "Pharmaceuticals and healthcare", "厦门", None),
               ("泉州刺桐文旅有限公司", None, "it", "泉州", "nobody")],
    "contacts": [(GOOD_CODE, "林涛", "总经理", 13912345678, "lin@haixia.example"),
              ("福州海峡会展有限公司", "陈雪", "会务专员", "12345", None),
              ("不存在的公司", "黄敏", None, None, None)],
}


def test_one_bad_row_imports_nothing_and_reports_every_error(db, run_import):
    report = run_import(db, workbook(**FILE))
    db.commit()
    assert report.applied is False
    assert [(e.sheet, e.row, e.field) for e in report.errors] == [
        ("客户", 3, "credit_code"), ("客户", 4, "account_manager"),
        ("联系人", 3, "mobile"), ("联系人", 4, "customer")]
    assert counts(db) == (0, 0)


def test_only_good_rows_on_request(db, run_import):
    report = run_import(db, workbook(**FILE), only_good_rows=True)
    db.commit()
    assert (report.applied, report.customers, report.contacts, len(report.errors)) == (True, 1, 1, 4)
    customer = db.scalar(select(Customer))
    assert (customer.name, customer.industry, customer.city) == ("福州海峡会展有限公司", "pharma", "福州")
    assert [c.mobile for c in customer.contacts] == ["13912345678"]


def test_clean_file_imports_everything(db, run_import):
    report = run_import(db, workbook([("杭州西湖文旅有限公司", None, "Other", "杭州", None)],
                                          [("杭州西湖文旅有限公司", "王芳", "总经理", "13800138000", None)]))
    db.commit()
    assert (report.applied, report.errors, counts(db)) == (True, [], (1, 1))


def test_not_a_workbook(admin_client):
    answer = admin_client.post("/api/v1/crm/import", data={"file": (io.BytesIO(b"hello"), "x.xlsx")},
                               content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "file" in answer.get_json()["errors"]


def test_api_import_reports_rows(admin_client, db):
    answer = admin_client.post("/api/v1/crm/import", data={"file": (workbook(**FILE), "客户.xlsx")},
                               content_type="multipart/form-data")
    body = answer.get_json()
    assert answer.status_code == 200 and body["applied"] is False and len(body["errors"]) == 4
    assert counts(db) == (0, 0)


def test_export_round_trips_through_the_import(admin_client, customer, contact, db, run_import):
    cid = customer("深圳星河电子有限公司", credit_code=GOOD_CODE, industry="it", city="深圳")
    contact(cid, "陈静", mobile="13912345678", email="chen@xinghe.example", is_primary=True)
    xlsx = admin_client.get("/api/v1/crm/export?format=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert [s.title for s in book.worksheets] == ["客户", "联系人"]
    csv = admin_client.get("/api/v1/crm/export?format=csv").data.decode("utf-8-sig")
    assert "深圳星河电子有限公司" in csv
    db.execute(Customer.__table__.delete())  # start again from the exported file
    db.commit()
    report = run_import(db, io.BytesIO(xlsx.data))
    db.commit()
    assert (report.applied, report.errors) == (True, [])
    again = db.scalar(select(Customer))
    assert (again.credit_code, again.industry, [c.email for c in again.contacts]) == (
        GOOD_CODE, "it", ["chen@xinghe.example"])
