"""The account manager's day in the admin: a customer, a contact, a call on the timeline."""
from datetime import UTC, datetime

from sqlalchemy import event, select

from core.testing import csrf_from
from plugins.crm.models import Communication, Contact, Customer, Tag


def post_form(client, url, data):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})


def test_create_customer_contact_and_log_a_call(client_as, manager, db):
    li = manager("li")
    client = client_as(li)
    answer = post_form(client, "/admin/crm_customers/new/", {
        "name": "苏州金鸡湖会展有限公司", "credit_code": "91350100M000100Y43", "industry": "government",
        "city": "苏州", "level": "key", "account_manager": str(li.id),
        "preferences-0-kind": "dietary", "preferences-0-value": "清真餐2人"})
    assert answer.status_code == 302
    customer = db.scalar(select(Customer))
    assert [(p.kind, p.value) for p in customer.preferences] == [("dietary", "清真餐2人")]
    assert (customer.name, customer.industry, customer.account_manager_id) == ("苏州金鸡湖会展有限公司", "government", li.id)
    cid = customer.id
    db.rollback()  # end the read before the app writes (SQLite)

    answer = post_form(client, f"/admin/crm_contacts/new/?customer_id={cid}", {
        "customer": str(cid), "name": "顾敏", "title": "办公室主任", "mobile": "139 1234 5678",
        "email": "gu@jinjihu.example"})
    assert answer.status_code == 302
    contact_id = db.scalar(select(Contact.id))
    db.rollback()
    answer = post_form(client, f"/admin/crm_communications/new/?customer_id={cid}&kind=call", {
        "customer": str(cid), "contact": str(contact_id), "kind": "call",
        "direction": "out", "subject": "确认十月年会档期", "occurred_at": "2026-06-02 10:00:00"})
    assert answer.status_code == 302
    db.rollback()
    call = db.scalar(select(Communication))
    assert (call.kind, call.owner_id, call.contact.name) == ("call", li.id, "顾敏")
    assert call.occurred_at == datetime(2026, 6, 2, 2, 0, tzinfo=UTC)  # typed in Beijing time, kept in UTC
    db.rollback()

    page = client.get(f"/admin/crm_customers/details/?id={cid}").get_data(as_text=True)
    assert "确认十月年会档期" in page and "139****5678" not in page and "13912345678" in page


def test_bad_credit_code_is_shown_and_nothing_saved(client_as, manager, db):
    client = client_as(manager("li"))
    answer = post_form(client, "/admin/crm_customers/new/", {"name": "某公司", "credit_code": "123",
                                                              "level": "normal"})
    assert answer.status_code == 200
    assert "not a valid unified social credit code" in answer.get_data(as_text=True)
    assert db.scalar(select(Customer)) is None


def test_manager_without_create_permission_cannot_create(client_as, make_user, db):
    reader = make_user("reader", permissions=["crm.customer.read"])
    client = client_as(reader)
    assert client.get("/admin/crm_customers/").status_code == 200
    assert client.get("/admin/crm_customers/new/").status_code in (302, 403)
    assert db.scalar(select(Customer)) is None


def test_segments_and_import_pages(admin_client, customer):
    customer("杭州西湖文旅有限公司")
    assert "segment-summary" in admin_client.get("/admin/crm_segments/").get_data(as_text=True)
    page = admin_client.get("/admin/crm_segments/")
    answer = admin_client.post("/admin/crm_segments/recompute/",
                               data={"csrf_token": csrf_from(page.get_data(as_text=True))}, follow_redirects=True)
    assert "customers scored" in answer.get_data(as_text=True)
    assert "import-form" in admin_client.get("/admin/crm_import/").get_data(as_text=True)
    assert admin_client.get("/admin/crm_import/template.xlsx").status_code == 200
    for url in ("/admin/crm_contacts/", "/admin/crm_communications/", "/admin/crm_follow_ups/",
                "/admin/crm_meetings/", "/admin/crm_feedback/", "/admin/crm_playbooks/", "/admin/crm_tags/",
                "/admin/crm_tag_rules/", "/admin/crm_duplicates/", "/admin/crm_tag_rules/new/"):
        assert admin_client.get(url).status_code == 200, url


def test_pages_read_in_chinese(client_as, manager, customer, db):
    li = manager("li")
    cid = customer("苏州金鸡湖会展有限公司", industry="government", account_manager_id=li.id)
    client = client_as(li, locale="zh_Hans")
    listing = client.get("/admin/crm_customers/").get_data(as_text=True)
    assert "政府与协会" in listing and "客户经理" in listing
    details = client.get(f"/admin/crm_customers/details/?id={cid}").get_data(as_text=True)
    assert "记录通话" in details and "时间线" in details
    assert "分群" in client.get("/admin/crm_segments/").get_data(as_text=True)


def test_customer_list_shows_account_managers_spend_and_tags_for_the_whole_page(
        client_as, admin_client, manager, customer, activity, kernel, db):
    """The list's relations come in one query each, never one per row, and never as clashing loaders."""
    li, wang = manager("li"), manager("wang")
    ids = [customer(f"杭州客户{n}有限公司", account_manager_id=(li if n % 2 else wang).id) for n in range(6)]
    vip = Tag(name="贵宾", color="danger")
    for row in db.scalars(select(Customer).where(Customer.id.in_(ids))).all():
        row.manual_tags.append(vip)
    db.commit()
    activity(ids[5], payments=[("12345.60", datetime(2026, 5, 1, tzinfo=UTC))])

    statements = []
    listener = lambda *args: statements.append(args[2])
    event.listen(kernel.engine, "before_cursor_execute", listener)
    try:
        listing = admin_client.get("/admin/crm_customers/").get_data(as_text=True)
    finally:
        event.remove(kernel.engine, "before_cursor_execute", listener)
    rows = listing.split('<td class="list-buttons-column">')[1:]
    assert len(rows) == 6
    assert "Li (li)" in rows[5] and "Wang (wang)" in rows[4]
    assert all('<span class="badge badge-danger">贵宾</span>' in row for row in rows)
    assert "¥12,345.60" in rows[5]
    customer_reads = [s for s in statements if "crm_customer" in s]
    assert len(customer_reads) <= 4, customer_reads  # count, page, stats, tags: not one per row

    own = client_as(li).get("/admin/crm_customers/").get_data(as_text=True)
    assert own.count('<td class="list-buttons-column">') == 3 and "Wang (wang)" not in own


def test_the_call_form_offers_when_it_happened_in_local_time(client_as, manager, customer):
    li = manager("li")
    cid = customer("宁波港会展有限公司", account_manager_id=li.id)
    form = client_as(li, locale="zh_Hans").get(
        f"/admin/crm_communications/new/?customer_id={cid}&kind=call").get_data(as_text=True)
    assert 'name="occurred_at"' in form and 'data-placeholder="选择联系人"' in form
