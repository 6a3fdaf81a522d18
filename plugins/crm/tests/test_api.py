"""The REST API: bad input names the field, stale versions conflict, records land on the timeline."""


def test_create_and_validation(admin_client):
    bad = admin_client.post("/api/v1/crm/customers", json={"name": "某公司", "credit_code": "91350100M000100Y44"})
    assert bad.status_code == 422 and "credit_code" in bad.get_json()["errors"]
    bad = admin_client.post("/api/v1/crm/customers", json={"name": "某公司", "industry": "mining"})
    assert bad.status_code == 422 and "industry" in bad.get_json()["errors"]
    made = admin_client.post("/api/v1/crm/customers", json={"name": "武汉光谷会展有限公司", "city": "武汉"})
    assert made.status_code == 201
    assert made.get_json()["version"] == 1 and made.get_json()["stats"]["meeting_count"] == 0


def test_stale_version_is_a_conflict(admin_client, customer):
    cid = customer("武汉光谷会展有限公司")
    first = admin_client.patch(f"/api/v1/crm/customers/{cid}", json={"city": "武汉", "version": 1})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = admin_client.patch(f"/api/v1/crm/customers/{cid}", json={"city": "宜昌", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["code"] == "conflict"
    assert admin_client.get(f"/api/v1/crm/customers/{cid}").get_json()["city"] == "武汉"


def test_prefix_search(admin_client, customer):
    for name in ("北京华信医药有限公司", "北京华安保险经纪有限公司", "上海华信地产有限公司"):
        customer(name)
    names = [c["name"] for c in admin_client.get("/api/v1/crm/customers?q=北京华").get_json()]
    assert sorted(names) == sorted(["北京华信医药有限公司", "北京华安保险经纪有限公司"])
    assert admin_client.get("/api/v1/crm/customers?q=100%").get_json() == []


def test_contact_and_call_on_the_timeline(admin_client, customer):
    cid = customer("重庆两江会展有限公司")
    person = admin_client.post("/api/v1/crm/contacts", json={"customer_id": cid, "name": "何平",
                                                             "mobile": "+86 136 0000 1111"}).get_json()
    assert person["mobile"] == "13600001111"
    call = admin_client.post("/api/v1/crm/communications", json={
        "customer_id": cid, "contact_id": person["id"], "kind": "call", "subject": "确认报价"})
    assert call.status_code == 201
    timeline = admin_client.get(f"/api/v1/crm/customers/{cid}/timeline").get_json()
    assert [(r["kind"], r["subject"]) for r in timeline] == [("call", "确认报价")]
    other = customer("其他公司")
    wrong = admin_client.post("/api/v1/crm/communications", json={
        "customer_id": other, "contact_id": person["id"], "kind": "call", "subject": "x"})
    assert wrong.status_code == 422 and "contact_id" in wrong.get_json()["errors"]


def test_segments_summary_and_bad_campaign(admin_client):
    summary = admin_client.get("/api/v1/crm/segments").get_json()
    assert [row["segment"] for row in summary][:2] == ["important_value", "important_develop"]
    assert admin_client.get("/api/v1/crm/segments/nonsense/campaign").status_code == 404
    assert admin_client.get("/api/v1/crm/segments/important_value/campaign?format=pdf").status_code == 422
