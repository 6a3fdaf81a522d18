"""Tag rules: conditions kept as data, evaluated in SQL, applied on change and on schedule."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.types import utcnow
from core.errors import ValidationFailed
from plugins.crm.models import Customer, Tag, TagCondition, TagRule
from plugins.crm.operations import customers as ops
from plugins.crm.operations import jobs, tag_rules


def tags_of(db, customer_id):
    db.expire_all()
    return sorted({t.name for t in db.get(Customer, customer_id).tags})


def add_rule(db, name, *conditions, match="all", active=True):
    tag = Tag(name=name)
    rule = TagRule(name=name, tag=tag, match=match, active=active, conditions=[
        TagCondition(field=f, operator=o, value=v, months=m) for f, o, v, m in conditions])
    db.add(rule)
    db.commit()
    return rule


def test_seeded_vip_rule_follows_spend_in_the_last_12_months(db, customer, activity):
    recent = customer("北京华信医药有限公司")
    old = customer("上海远航汽车有限公司")
    activity(recent, payments=[(300_000, utcnow() - timedelta(days=30)), (250_000, utcnow() - timedelta(days=90))])
    activity(old, payments=[(900_000, utcnow() - timedelta(days=400))])
    assert "VIP" in tags_of(db, recent)  # 550,000 in 12 months >= 500,000
    assert "VIP" not in tags_of(db, old)  # paid more, but 13 months ago


def test_attribute_and_frequency_rule_is_applied_on_change(db, customer, activity):
    rule = add_rule(db, "重点行业", ("industry", "in", "pharma, it", None), ("meetings", ">=", "2", None))
    cid = customer("杭州数智科技有限公司", industry="it")
    assert "重点行业" not in tags_of(db, cid)
    db.rollback()
    activity(cid, meetings=[utcnow().date() - timedelta(days=10), utcnow().date() - timedelta(days=40)])
    assert "重点行业" in tags_of(db, cid)
    ops.update_customer(db, db.get(Customer, cid), {"industry": "auto"})
    db.commit()
    assert "重点行业" not in tags_of(db, cid)
    assert rule.id


def test_any_match_recency_and_deactivation(db, customer, activity):
    rule = add_rule(db, "需唤醒", ("recency_days", ">", "365", None), ("level", "=", "potential", None),
                    match="any")
    dormant = customer("南京金陵会务有限公司")
    prospect = customer("成都天府文旅有限公司", level="potential")
    db.rollback()
    activity(dormant, meetings=[utcnow().date() - timedelta(days=500)])
    assert "需唤醒" in tags_of(db, dormant) and "需唤醒" in tags_of(db, prospect)
    rule.active = False
    assert jobs.apply_tag_rules(db).startswith("4 rules applied")
    db.commit()
    assert "需唤醒" not in tags_of(db, dormant)


def test_scheduled_job_counts_matches(db, customer):
    rule = add_rule(db, "深圳客户", ("city", "=", "深圳", None))
    for n in range(3):
        customer(f"深圳客户{n}有限公司", city="深圳")
    customer("广州客户有限公司", city="广州")
    db.rollback()
    jobs.apply_tag_rules(db)
    db.commit()
    assert db.get(TagRule, rule.id).last_matched == 3


@pytest.mark.parametrize("condition,field", [
    (("industry", ">", "pharma", None), "conditions"),
    (("spend", ">=", "很多", 12), "conditions"),
    (("height", "=", "1", None), "conditions"),
])
def test_bad_conditions_are_refused_when_saved(db, condition, field):
    rule = TagRule(name="x", tag=Tag(name="x"), conditions=[TagCondition(
        field=condition[0], operator=condition[1], value=condition[2], months=condition[3])])
    with pytest.raises(ValidationFailed) as err:
        tag_rules.validate_rule(db, rule)
    assert err.value.field == field


def test_rule_saved_in_the_admin_tags_everyone(admin_client, customer, db):
    from core.testing import csrf_from

    customer("厦门鹭岛会展有限公司", city="厦门")
    tag_id = db.scalar(select(Tag.id).where(Tag.name == "VIP"))
    db.rollback()
    page = admin_client.get("/admin/crm_tag_rules/new/")
    answer = admin_client.post("/admin/crm_tag_rules/new/", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "name": "厦门客户", "tag": str(tag_id),
        "active": "y", "match": "all", "conditions-0-field": "city", "conditions-0-operator": "=",
        "conditions-0-value": "厦门", "conditions-0-months": ""}, follow_redirects=True)
    assert "1" in answer.get_data(as_text=True)
    assert db.scalar(select(TagRule.last_matched).where(TagRule.name == "厦门客户")) == 1
