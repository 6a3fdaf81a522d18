"""Reports (page, PDF, workbook, Gantt) for staff; the client's portal version hides notes and costs."""
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from core.services.attachments import attach
from plugins.crm.operations import customers as crm
from plugins.project.models import ClientAccess, Project
from plugins.project.operations import workflow

SECRET_NOTE = "客户预算上限为九十万"


@pytest.fixture
def running(db, staff, pm, new_project, customer_id):
    staff("zhaolei", "CATER")
    project = db.get(Project, new_project(manager_id=pm.id, internal_notes=SECRET_NOTE))
    workflow.move(db, project, "proposal")
    workflow.move(db, project, "confirmed")
    attach(db, project, "会议议程.pdf", b"%PDF-1.4 agenda").read_permission = None
    attach(db, project, "成本核算.xlsx", b"internal costs", read_permission="project.project.read")
    db.commit()
    return project.id


def test_staff_report_page_pdf_and_workbook(client_as, pm, running):
    api = client_as(pm, locale="zh_Hans")
    page = api.get(f"/admin/project_reports/{running}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '"type":"bar"' in html and ("确认菜单" in html or "\\u786e\\u8ba4\\u83dc\\u5355" in html)
    assert "/charts/plotly.min.js" in html and "cdn.plot.ly" not in html
    assert api.get("/charts/plotly.min.js").status_code == 200
    pdf = api.get(f"/admin/project_reports/{running}.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "确认菜单" in text and SECRET_NOTE in text
    book = load_workbook(io.BytesIO(api.get(f"/admin/project_reports/{running}.xlsx").data))
    cells = {c.value for row in book.active.iter_rows() for c in row}
    assert "会场租赁" in cells and "60000.00" in cells


def test_client_sees_progress_milestones_and_shared_files_only(db, client_as, make_user, customer_id, running):
    client = make_user("client", roles=["client"], portal=True)
    contact, _ = crm.create_contact(db, crm.get_customer(db, customer_id), {"name": "李娜"})
    db.add(ClientAccess(user_id=client.id, contact_id=contact.id))
    db.commit()
    portal = client_as(client, locale="zh_Hans")
    listing = portal.get("/portal/meetings/").get_data(as_text=True)
    assert "2030 年度经销商大会" in listing
    html = portal.get(f"/portal/meetings/{running}").get_data(as_text=True)
    assert "会议议程.pdf" in html and "合同" not in html
    for hidden in (SECRET_NOTE, "成本核算", "会场租赁", "60000", "Zhaolei"):
        assert hidden not in html
    assert portal.get(f"/admin/project_reports/{running}").status_code in (302, 403)


def test_client_of_another_company_gets_404(client_as, make_user, running):
    stranger = make_user("stranger", roles=["client"], portal=True)
    assert client_as(stranger).get(f"/portal/meetings/{running}").status_code == 404


def test_client_change_request_reaches_the_pm(db, client_as, make_user, customer_id, pm, running):
    from core.notify.models import InboxMessage

    client = make_user("client", roles=["client"], portal=True)
    contact, _ = crm.create_contact(db, crm.get_customer(db, customer_id), {"name": "李娜"})
    db.add(ClientAccess(user_id=client.id, contact_id=contact.id))
    db.commit()
    portal = client_as(client)
    page = portal.get(f"/portal/meetings/{running}").get_data(as_text=True)
    from core.testing import csrf_from

    sent = portal.post(f"/portal/meetings/{running}/change", data={
        "csrf_token": csrf_from(page), "kind": "scale", "attendance": "450", "reason": "报名人数增加"})
    assert sent.status_code == 302
    inbox = db.scalars(select(InboxMessage).where(InboxMessage.user_id == pm.id)).all()
    assert any("Change request" in m.title or "变更" in m.title for m in inbox)
