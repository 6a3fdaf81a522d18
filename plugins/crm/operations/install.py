"""Defaults seeded the first time CRM is enabled: playbooks, tags and the VIP rule."""
from __future__ import annotations

from sqlalchemy import select

from plugins.crm.models import Tag, TagCondition, TagRule
from plugins.crm.operations.playbooks import seed_playbooks
from plugins.crm.operations.settings import VIP_THRESHOLD, setting

#: (tag, colour, description, rule conditions as (field, operator, value, months))
DEFAULT_TAGS = [
    ("VIP", "danger", "近12个月付款达到VIP门槛的客户", [("spend", ">=", None, 12)]),
    ("活跃客户", "success", "近12个月举办过会议的客户", [("meetings", ">=", "1", 12)]),
    ("沉睡客户", "secondary", "一年以上没有会议也没有付款的老客户",
     [("recency_days", ">", "365", None), ("meetings", ">=", "1", None)]),
]


def install(session) -> None:
    seed_playbooks(session)
    have = set(session.scalars(select(Tag.name)))
    for name, color, description, conditions in DEFAULT_TAGS:
        if name in have:
            continue
        tag = Tag(name=name, color=color, description=description)
        rule = TagRule(name=name, tag=tag, active=True, match="all")
        for field, operator, value, months in conditions:
            value = value if value is not None else str(setting(session, VIP_THRESHOLD))
            rule.conditions.append(TagCondition(field=field, operator=operator, value=value, months=months))
        session.add_all([tag, rule])
    session.flush()
