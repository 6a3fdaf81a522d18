"""A hall found, booked, approved and its contract downloaded, driven in Chromium as people would."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from plugins.resources.models import Booking, Layout

pytestmark = pytest.mark.browser


def log_in_as(chromium, live_server, login: str):
    """A second person's browser, logged in."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(f"{live_server}/login")
    tab.fill("#login", login)
    tab.fill("#password", "secret-pass")
    tab.click("#login-submit")
    tab.locator("#user-menu").wait_for()
    return context, tab


def test_search_book_approve_and_download_the_contract(kernel, live_server, page, log_in, chromium, make_user,
                                                       make_resource, project_for):
    make_resource("国际会议厅", code="VEN-0001", city="杭州", unit_price=Decimal("20000.00"), pricing_unit="day",
                  layouts=[Layout(layout="theatre", capacity=500), Layout(layout="banquet", capacity=300)])
    pm = make_user("zhangwei", roles=["project_manager"])
    make_user("wangjing", roles=["resource_manager"])
    project_id = project_for(pm, name="恒宇医药2030年经销商大会")

    log_in("zhangwei", "secret-pass")
    page.goto(f"{live_server}/admin/resources_find/")
    page.fill("#starts_at", "2030-06-03T09:00")
    page.fill("#ends_at", "2030-06-03T17:00")
    page.select_option("#kind", "venue")
    page.select_option("#layout", "banquet")
    page.fill("#guests", "280")
    page.fill("#city", "杭州")
    page.click("#availability-form button[type=submit]")
    page.click('tr[data-code="VEN-0001"] a.book')

    page.locator("#mode").wait_for()
    assert page.input_value("#starts_at") == "2030-06-03 09:00"  # the window searched, in company time
    page.click("#s2id_project a.select2-choice")  # the projects the PM sees, looked up as they type
    page.locator("#select2-drop input.select2-input").press_sequentially("恒宇")
    page.locator("#select2-drop .select2-result-label", has_text="恒宇医药2030年经销商大会").click()
    assert page.input_value("#project") == str(project_id)
    page.fill("#notes", "主会场，宴会式")
    page.click("input[type=submit].btn-primary")
    page.locator(".alert-success").first.wait_for()
    with kernel.system_session() as s:
        booking = s.scalar(select(Booking))
        booking_id, code = booking.id, booking.code
    assert booking.status == "requested"

    context, manager = log_in_as(chromium, live_server, "wangjing")
    try:
        manager.goto(f"{live_server}/admin/resources_bookings/details/?id={booking_id}")
        manager.click("#approve")
        manager.locator(".alert-success").first.wait_for()
        with manager.expect_download() as download:
            manager.click("#contract-1")
        pdf = Path(download.value.path()).read_bytes()
        name = download.value.suggested_filename
    finally:
        context.close()

    assert pdf.startswith(b"%PDF") and name.endswith(".pdf")
    assert code in "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    with kernel.system_session() as s:
        assert s.get(Booking, booking_id).status == "confirmed"
