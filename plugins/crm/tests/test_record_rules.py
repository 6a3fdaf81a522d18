"""Account managers see their own customers (and what hangs off them) unless given all."""
from sqlalchemy import func, select

from core.security.principal import act_as, load_principal
from plugins.crm.models import Communication, Contact, Customer
from plugins.crm.operations import communications


def arrange(manager, customer, contact, kernel):
    li, wang = manager("li"), manager("wang")
    mine = customer("李的客户有限公司", account_manager_id=li.id)
    theirs = customer("王的客户有限公司", account_manager_id=wang.id)
    contact(mine, "甲", mobile="13900000001")
    contact(theirs, "乙", mobile="13900000002")
    with kernel.system_session() as s:
        communications.log_communication(s, theirs, "call", "王的通话", owner_id=wang.id)
        s.commit()
    return li, mine, theirs


def test_session_queries_are_limited(kernel, manager, customer, contact, make_user):
    li, _mine, theirs = arrange(manager, customer, contact, kernel)
    with kernel.system_session() as s:
        act_as(s, load_principal(s, li.id))
        assert s.scalars(select(Customer.name)).all() == ["李的客户有限公司"]
        assert s.get(Customer, theirs) is None
        assert s.scalars(select(Contact.name)).all() == ["甲"]
        assert s.scalar(select(func.count()).select_from(Communication)) == 0
    boss = make_user("boss", roles=["account_manager"], permissions=["crm.customer.read_all"])
    with kernel.system_session() as s:
        act_as(s, load_principal(s, boss.id))
        assert s.scalar(select(func.count()).select_from(Customer)) == 2


def test_api_list_get_and_lookup(kernel, client_as, manager, customer, contact):
    li, _mine, theirs = arrange(manager, customer, contact, kernel)
    client = client_as(li)
    assert [c["name"] for c in client.get("/api/v1/crm/customers").get_json()] == ["李的客户有限公司"]
    assert client.get(f"/api/v1/crm/customers/{theirs}").status_code == 404
    assert client.get(f"/api/v1/crm/customers/{theirs}/timeline").status_code == 404
    assert client.get("/api/v1/crm/contacts?mobile=13900000002").get_json() == []
    patch = client.patch(f"/api/v1/crm/customers/{theirs}", json={"city": "北京", "version": 1})
    assert patch.status_code == 404  # a hidden customer cannot be changed either
    export = client.get("/api/v1/crm/export?format=csv").data.decode("utf-8-sig")
    assert "李的客户有限公司" in export and "王的客户有限公司" not in export


def test_admin_list_details_and_export(kernel, client_as, manager, customer, contact):
    li, mine, theirs = arrange(manager, customer, contact, kernel)
    client = client_as(li)
    page = client.get("/admin/crm_customers/").get_data(as_text=True)
    assert "李的客户有限公司" in page and "王的客户有限公司" not in page
    assert client.get(f"/admin/crm_customers/details/?id={theirs}").status_code == 302
    assert client.get(f"/admin/crm_customers/details/?id={mine}").status_code == 200
    contacts = client.get("/admin/crm_contacts/?search=13900000002").get_data(as_text=True)
    assert "乙" not in contacts.split("<tbody>")[-1]
    assert client.get("/admin/crm_customers/export/csv/").status_code == 200
    assert "王的客户" not in client.get("/admin/crm_customers/export/csv/").get_data(as_text=True)
