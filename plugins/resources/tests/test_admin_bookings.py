"""The bookings admin: booked from the availability page's link, approved, rejected, cancelled, changed,
and its contract downloaded; refusals named on the form, nothing written; hidden bookings not found."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, event, func, select, update

from core.testing import csrf_from
from plugins.project.models import Project
from plugins.resources.models import Booking, Contract
from plugins.resources.operations import attention
from plugins.resources.operations import booking as bookings
from plugins.resources.tests.conftest import T0, H

ADMIN = "/admin/resources_bookings"
SEARCH = {"starts_at": "2030-06-03T09:00", "ends_at": "2030-06-03T17:00", "kind": "venue", "layout": "banquet",
          "guests": "280"}


def stored(db, booking_id: int | None = None) -> Booking:
    """The booking as stored now (the only one when no id is given), and the test's transaction let go,
    so that the next request may write (SQLite has one writer)."""
    stmt = select(Booking) if booking_id is None else select(Booking).where(Booking.id == booking_id)
    booking = db.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    db.expunge(booking)
    db.rollback()
    return booking


def read(db, stmt):
    """``stmt``'s rows (or its one value), and the transaction let go."""
    rows = db.scalars(stmt).all()
    db.rollback()
    return rows


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def book_link(browser) -> str:
    page = browser.get("/admin/resources_find/", query_string=SEARCH).get_data(as_text=True)
    links = [part.replace("&amp;", "&") for part in page.split('"') if part.startswith(f"{ADMIN}/new/")]
    assert len(links) == 1, links
    return links[0]


def form_data(page: str, project_id: int, resource_id: int, **more) -> dict:
    return {"csrf_token": csrf_from(page), "project": str(project_id), "resource": str(resource_id),
            "starts_at": "2030-06-03 09:00", "ends_at": "2030-06-03 17:00", "quantity": "1", "guests": "280",
            "layout": "banquet", "notes": "主会场", "mode": "request", **more}


def act(browser, booking_id: int, action: str, **more):
    page = browser.get(f"{ADMIN}/details/?id={booking_id}").get_data(as_text=True)
    version = page.split('name="version_seen" value="')[1].split('"')[0]
    return browser.post(f"{ADMIN}/act/?id={booking_id}", data={
        "csrf_token": csrf_from(page), "action": action, "version_seen": version, **more})


def flashed(browser) -> str:
    with browser.session_transaction() as session:
        return " ".join(str(message) for _category, message in session.get("_flashes", []))


@pytest.fixture
def hall_id(db, hall):
    """The hall's id, read once (SQLite: the test's session must not hold a transaction into a request)."""
    ident = hall.id
    db.rollback()
    return ident


@pytest.fixture
def requested(db, pm, project_for, hall, book):
    """A booking of the hall ``pm`` asked for, awaiting approval."""
    booking = book(pm, project_for(pm), hall, T0, T0 + 8 * H, guests=280, layout="banquet")
    db.rollback()
    return booking


def test_the_book_link_opens_the_form_filled_in_and_saving_asks_for_approval(db, client_as, pm, project_for, hall_id):
    project_id = project_for(pm)
    browser = client_as(pm)
    link = book_link(browser)
    page = browser.get(link).get_data(as_text=True)
    assert 'value="2030-06-03 09:00"' in page and 'value="2030-06-03 17:00"' in page  # company time
    assert f'id="resource" name="resource" type="hidden" value="{hall_id}"' in page
    assert 'value="280"' in page and '<option selected value="banquet">' in page
    assert 'id="package"' not in page  # a hall offers no menu packages

    saved = browser.post(link, data=form_data(page, project_id, hall_id))
    booking = stored(db)
    assert saved.status_code == 302 and saved.location.endswith(f"{ADMIN}/details/?id={booking.id}")
    assert (booking.status, booking.starts_at, booking.ends_at) == ("requested", T0, T0 + 8 * H)
    assert (booking.guests, booking.layout, booking.notes, booking.created_by_id) == (280, "banquet", "主会场", pm.id)
    details = browser.get(saved.location).get_data(as_text=True)
    assert booking.code in details and "Awaiting approval" in details
    assert "¥21,200.00" in details  # one day at 20,000, VAT 6 %
    assert 'id="approve"' not in details  # a project manager does not approve
    assert 'id="cancel"' in details and 'id="change"' in details
    assert 'id="no-contract"' in details


def test_a_resource_manager_approves_and_downloads_the_contract(db, client_as, manager, requested):
    browser = client_as(manager)
    approved = act(browser, requested.id, "approve")
    assert approved.status_code == 302
    assert "Confirmed" in flashed(browser)
    assert stored(db, requested.id).status == "confirmed"

    details = browser.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    link = f"{ADMIN}/contract/{requested.id}/1.pdf"
    assert link in details and 'id="approve"' not in details
    pdf = browser.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    [number] = read(db, select(Contract.number).where(Contract.booking_id == requested.id))
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert requested.code in text_of(pdf.data)
    assert browser.get(f"{ADMIN}/contract/{requested.id}/2.pdf").status_code == 404


def test_a_rejection_needs_a_reason(db, client_as, manager, requested):
    browser = client_as(manager)
    refused = act(browser, requested.id, "reject", reason="  ")
    assert refused.status_code == 302 and "Reason: Say why." in flashed(browser)
    assert stored(db, requested.id).status == "requested"
    act(browser, requested.id, "reject", reason="该厅当天已内部预留")
    rejected = stored(db, requested.id)
    assert (rejected.status, rejected.reason) == ("rejected", "该厅当天已内部预留")
    assert rejected.closed_at is not None


def test_the_project_manager_cancels_with_a_reason_and_the_slot_comes_free(db, client_as, pm, requested):
    browser = client_as(pm)
    act(browser, requested.id, "cancel", reason="客户改期")
    assert stored(db, requested.id).status == "cancelled"
    details = browser.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    assert "客户改期" in details and 'id="booking-actions"' not in details  # nothing more to do


def test_bad_input_is_named_on_the_form_and_nothing_is_written(db, client_as, pm, project_for, hall_id):
    project_id = project_for(pm)
    browser = client_as(pm)
    link = book_link(browser)
    page = browser.get(link).get_data(as_text=True)
    backwards = browser.post(link, data=form_data(page, project_id, hall_id, ends_at="2030-06-03 08:00"))
    text = backwards.get_data(as_text=True)
    assert backwards.status_code == 200 and "The end must be after the start." in text
    assert text.count("The end must be after the start.") == 2  # flashed, and beside its field
    too_many = browser.post(link, data=form_data(page, project_id, hall_id, guests="400"))
    assert "holds at most 300 guests as Banquet" in too_many.get_data(as_text=True)
    not_a_time = browser.post(link, data=form_data(page, project_id, hall_id, starts_at="明天上午"))
    assert not_a_time.status_code == 200 and "Not a valid datetime value." in not_a_time.get_data(as_text=True)
    assert read(db, select(func.count()).select_from(Booking)) == [0]


def test_a_taken_slot_is_named_or_joins_the_waiting_list(db, client_as, pm, project_for, hall_id, requested):
    browser = client_as(pm)
    link = f"{ADMIN}/new/?resource_id={hall_id}&starts_at=2030-06-03T09:00&ends_at=2030-06-03T17:00"
    page = browser.get(link).get_data(as_text=True)
    taken = browser.post(link, data=form_data(page, project_for(pm), hall_id))
    assert taken.status_code == 200 and requested.code in taken.get_data(as_text=True)
    assert read(db, select(func.count()).select_from(Booking)) == [1]
    waiting = browser.post(link, data=form_data(page, project_for(pm), hall_id, mode="waitlist"))
    assert waiting.status_code == 302
    [second_id] = read(db, select(Booking.id).where(Booking.id != requested.id))
    second = stored(db, second_id)
    assert (second.status, second.rank) == ("waitlisted", 2)
    details = browser.get(waiting.location).get_data(as_text=True)
    assert "2 (the booking holding the slot is 1)" in details


def test_a_hold_is_confirmed_from_its_page(db, client_as, pm, project_for, hall_id):
    browser = client_as(pm)
    link = book_link(browser)
    page = browser.get(link).get_data(as_text=True)
    held = browser.post(link, data=form_data(page, project_for(pm), hall_id, mode="hold"))
    booking = stored(db)
    assert held.status_code == 302 and booking.status == "held" and booking.hold_expires_at is not None
    act(browser, booking.id, "confirm_hold")
    assert stored(db, booking.id).status == "requested"


def test_a_stale_page_changes_nothing(db, client_as, manager, pm, requested, on_booking):
    browser = client_as(manager)
    page = browser.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    on_booking(pm, bookings.change, requested.id, {"quantity": 1, "notes": "改了备注"})  # someone saves meanwhile
    browser.post(f"{ADMIN}/act/?id={requested.id}", data={
        "csrf_token": csrf_from(page), "action": "approve", "version_seen": str(requested.version)})
    assert "Someone else changed this record" in flashed(browser)
    assert stored(db, requested.id).status == "requested"


def test_a_form_without_its_csrf_token_changes_nothing(db, client_as, manager, requested):
    browser = client_as(manager)
    browser.post(f"{ADMIN}/act/?id={requested.id}", data={"action": "approve"})
    assert stored(db, requested.id).status == "requested"


def test_changing_a_confirmed_booking_moves_it_and_adds_a_contract_version(
        db, client_as, manager, pm, project_for, hall, book, on_booking, requested):
    on_booking(manager, bookings.approve, requested.id)
    other = book(pm, project_for(pm), hall, T0 + 24 * H, T0 + 32 * H)
    browser = client_as(pm)
    page = browser.get(f"{ADMIN}/change/?id={requested.id}").get_data(as_text=True)
    assert 'value="2030-06-03 09:00"' in page
    data = {"csrf_token": csrf_from(page), "version_seen": page.split('name="version_seen" type="hidden" value="')[1]
            .split('"')[0], "starts_at": "2030-06-04 09:00", "ends_at": "2030-06-04 17:00", "quantity": "1",
            "guests": "280", "layout": "banquet", "notes": ""}
    taken = browser.post(f"{ADMIN}/change/?id={requested.id}", data=data)
    assert taken.status_code == 200 and other.code in taken.get_data(as_text=True)
    assert stored(db, requested.id).starts_at == T0
    moved = browser.post(f"{ADMIN}/change/?id={requested.id}", data={
        **data, "starts_at": "2030-06-05 09:00", "ends_at": "2030-06-05 17:00"})
    assert moved.status_code == 302
    assert stored(db, requested.id).starts_at == T0 + 48 * H
    assert read(db, select(Contract.revision).where(Contract.booking_id == requested.id).order_by(Contract.revision)) == [1, 2]


def test_a_booking_of_a_project_one_cannot_see_is_not_found(db, client_as, make_user, manager, requested,
                                                             on_booking):
    on_booking(manager, bookings.approve, requested.id)
    stranger = client_as(make_user("lina", roles=["project_manager"]))
    for url in (f"{ADMIN}/details/?id={requested.id}", f"{ADMIN}/contract/{requested.id}/1.pdf",
                f"{ADMIN}/change/?id={requested.id}", f"{ADMIN}/history/?id={requested.id}"):
        assert stranger.get(url).status_code == 404, url
    page = stranger.get(f"{ADMIN}/").get_data(as_text=True)
    assert requested.code not in page
    assert stranger.post(f"{ADMIN}/act/?id={requested.id}", data={
        "csrf_token": csrf_from(stranger.get(f"{ADMIN}/new/").get_data(as_text=True)), "action": "cancel",
        "reason": "x"}).status_code == 404
    assert stored(db, requested.id).status == "confirmed"


def test_buttons_and_downloads_follow_permissions(client_as, make_user, manager, pm, requested, on_booking):
    on_booking(manager, bookings.approve, requested.id)
    reader = client_as(make_user("zhao", permissions=["resources.booking.read", "resources.booking.read_all"]))
    details = reader.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    assert requested.code in details and "booking-actions" not in details and 'id="contracts"' not in details
    assert reader.get(f"{ADMIN}/contract/{requested.id}/1.pdf").status_code == 403
    assert reader.get(f"{ADMIN}/change/?id={requested.id}").status_code == 403
    assert reader.get(f"{ADMIN}/new/").status_code == 403
    typed = reader.post(f"{ADMIN}/act/?id={requested.id}", data={"action": "cancel", "reason": "x"},
                        headers={"X-CSRFToken": reader.api_csrf})
    assert typed.status_code == 403


def test_a_confirmed_booking_without_its_contract_yet_says_it_is_being_prepared(
        db, client_as, manager, requested, on_booking):
    on_booking(manager, bookings.approve, requested.id)
    db.execute(delete(Contract))  # as when the contract is rendered after the commit, not yet done
    db.commit()
    details = client_as(manager).get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    assert 'id="contract-pending"' in details


def test_the_list_names_projects_filters_and_never_counts(kernel, client_as, manager, pm, project_for, hall, book,
                                                          make_resource):
    lamps = make_resource("激光投影仪", kind="equipment", code="EQP-0001", stock=10)
    first = book(pm, project_for(pm, name="春季经销商大会"), hall, T0, T0 + 8 * H)
    second = book(pm, project_for(pm, name="秋季答谢晚宴"), lamps, T0 + 72 * H, T0 + 80 * H, quantity=4)
    browser = client_as(manager)  # sees every booking, none of the projects
    statements = []

    def listen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(kernel.engine, "before_cursor_execute", listen)
    try:
        page = browser.get(f"{ADMIN}/").get_data(as_text=True)
    finally:
        event.remove(kernel.engine, "before_cursor_execute", listen)
    assert "春季经销商大会" in page and "秋季答谢晚宴" in page and "2030-06-03 09:00–17:00" in page
    assert not [s for s in statements if "count(" in s.lower() and "resources_booking" in s]

    def codes(**query):
        shown = browser.get(f"{ADMIN}/", query_string=query).get_data(as_text=True)
        return [b.code for b in (first, second) if b.code in shown]

    assert codes(flt0_0="requested") == [first.code, second.code]
    assert codes(flt0_0="confirmed") == []
    assert codes(flt0_1="eqp-0001") == [second.code]
    assert codes(flt0_3="2030-06-05 to 2030-06-06") == [second.code]
    assert codes(flt0_3="2030-06-03 to 2030-06-03") == [first.code]
    assert codes(search=first.code) == [first.code]
    assert codes(search="bk-") == [first.code, second.code]
    assert codes(sort="3") == [first.code, second.code]  # by window


def test_the_project_choice_offers_the_running_projects_one_sees(kernel, client_as, make_user, pm, project_for):
    mine = project_for(pm, name="春季经销商大会")
    done = project_for(pm, name="春季答谢晚宴")
    project_for(make_user("lina", roles=["project_manager"]), name="春季新品发布会")
    with kernel.system_session() as s:
        s.execute(update(Project).where(Project.id == done).values(status="cancelled"))
        s.commit()
    found = client_as(pm).get(f"{ADMIN}/ajax/lookup/", query_string={"name": "project", "query": "春季"})
    assert [row[0] for row in found.get_json()] == [mine]


def test_the_booking_pages_render_in_chinese(client_as, manager, requested, on_booking):
    on_booking(manager, bookings.approve, requested.id)
    chinese = client_as(manager, locale="zh_Hans")
    details = chinese.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    assert "已确认" in details and "国际会议厅" in details
    for url in (f"{ADMIN}/", f"{ADMIN}/new/", f"{ADMIN}/change/?id={requested.id}"):
        assert chinese.get(url).status_code == 200, url


def test_an_executive_exports_the_bookings(client_as, requested):
    exported = client_as("executive").get(f"{ADMIN}/export/csv/")
    assert exported.status_code == 200
    header, row = exported.get_data(as_text=True).splitlines()[:2]
    assert header.startswith("Code,Project id,Resource id,Starts at,Ends at")
    assert row.startswith(f"{requested.code},") and "2030-06-03 09:00:00" in row and "Awaiting approval" in row
    assert client_as("project_manager").get(f"{ADMIN}/export/csv/").status_code == 403


def test_a_flagged_booking_shows_its_alternatives_as_links_and_can_be_kept(db, as_user, client_as, pm, requested,
                                                                            make_resource):
    other = make_resource("西湖厅", code="VEN-0099")
    alternative = {"resource_id": other.id, "code": "VEN-0099", "name": "西湖厅", "city": "杭州", "capacity": 300,
                   "unit_price": "18000.00", "pricing_unit": "day", "starts_at": (T0 + 24 * H).isoformat(),
                   "ends_at": (T0 + 32 * H).isoformat()}

    def flag(s):
        attention.flag(s, bookings.get_booking(s, requested.id), "新时间与 BK-2030-000009 冲突", [alternative])

    as_user(None, flag)
    db.rollback()
    browser = client_as(pm)
    listed = browser.get(f"{ADMIN}/?flt0_4=1").get_data(as_text=True)
    assert requested.code in listed and "badge badge-warning" in listed
    page = browser.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
    assert 'id="attention"' in page and "BK-2030-000009" in page
    link = page.split('class="alternative" href="')[1].split('"')[0].replace("&amp;", "&")
    assert f"resource_id={other.id}" in link and "project_id=" in link
    assert "VEN-0099" in browser.get(link).get_data(as_text=True)

    assert act(browser, requested.id, "keep").status_code == 302
    assert "kept as it is" in flashed(browser)
    kept = stored(db, requested.id)
    assert kept.flagged is False and kept.status == "requested"
    assert 'id="attention"' not in browser.get(f"{ADMIN}/details/?id={requested.id}").get_data(as_text=True)
