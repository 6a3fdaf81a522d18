"""What to do with each segment: the strategy, the follow-up task, the campaign list.

Follow-up tasks are timeline entries of kind ``follow_up`` owned by the
customer's account manager, so they show on the customer and in the
manager's own task list. A customer already holding an open task of the
same playbook does not get a second one.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, literal, select
from sqlalchemy.orm import aliased, selectinload

from core.db.types import UTCDateTime, utcnow
from plugins.crm.models import (
    Communication,
    Contact,
    Customer,
    CustomerStats,
    Playbook,
    SegmentChange,
)
from plugins.crm.models.choices import SEGMENTS

#: Seeded once at installation; administrators rewrite them to their own practice.
DEFAULTS = {
    "important_value": ("保持高频高额合作：专属客户经理与VIP服务，优先档期与资源，年度框架协议。",
                        "安排季度拜访，洽谈年度框架协议", 14, False),
    "important_develop": ("近期合作且出手大方但次数少：提高合作频次，推荐系列会议与配套服务。",
                          "推荐下一场会议方案，争取新增项目", 14, True),
    "important_keep": ("合作频繁、金额高但近期没有新项目：主动回访，了解新需求，防止流向竞争对手。",
                       "电话回访，了解近期会议计划", 7, True),
    "important_retain": ("曾经金额高但久未合作且次数少：重点挽回，了解流失原因，给出针对性方案。",
                         "上门拜访，了解流失原因并提出挽回方案", 7, True),
    "general_value": ("合作频繁且近期活跃但金额不高：推荐升级服务与增值项目，提升客单价。",
                      "推荐增值服务（摄影摄像、同传、定制礼品）", 30, False),
    "general_develop": ("新客户或偶发客户：做好首单服务，建立信任，邀请参加客户答谢活动。",
                        "发送服务满意度回访并邀请参加客户答谢会", 30, False),
    "general_keep": ("合作次数多但金额低且近期不活跃：定期维护，推送活动资讯。",
                     "推送本季度会议场地与优惠资讯", 30, False),
    "general_retain": ("价值低且久未合作：低成本维护，通过群发资讯唤醒。",
                       "", 30, False),
}


def seed_playbooks(session) -> None:
    have = set(session.scalars(select(Playbook.segment)))
    for segment, (strategy, action, due_days, on_entry) in DEFAULTS.items():
        if segment not in have:
            session.add(Playbook(segment=segment, strategy=strategy, action=action or None,
                                 due_days=due_days, on_entry=on_entry))


def playbook_for(session, segment: str) -> Playbook | None:
    return session.scalar(select(Playbook).where(Playbook.segment == segment))


def give_follow_ups(session, playbook: Playbook, customer_ids=None, now: datetime | None = None) -> int:
    """Give the playbook's task to the account managers of the segment's customers; return how many."""
    if not playbook.action:
        return 0
    now = now or utcnow()
    task = aliased(Communication)
    open_task = exists().where(task.customer_id == Customer.id, task.kind == "follow_up",
                               task.playbook_segment == playbook.segment, task.done_at.is_(None))
    stamp = literal(now, UTCDateTime)
    rows = (select(Customer.id, literal("follow_up"), literal(playbook.action[:300]),
                   literal(playbook.strategy), stamp, Customer.account_manager_id,
                   literal(now + timedelta(days=playbook.due_days), UTCDateTime),
                   literal(playbook.segment), stamp, stamp, literal(1))
            .join(CustomerStats, CustomerStats.customer_id == Customer.id)
            .where(CustomerStats.segment == playbook.segment, ~open_task))
    if customer_ids is not None:
        rows = rows.where(Customer.id.in_(list(customer_ids)))
    return session.execute(insert(Communication).from_select(
        ["customer_id", "kind", "subject", "body", "occurred_at", "owner_id", "due_at",
         "playbook_segment", "created_at", "updated_at", "version"], rows)
        .execution_options(preserve_rowcount=True)).rowcount


def follow_ups_on_entry(session, run_id: int) -> int:
    """After an RFM run: tasks for customers who moved into a segment whose playbook asks for it."""
    total = 0
    for playbook in session.scalars(select(Playbook).where(Playbook.on_entry.is_(True))):
        moved_in = select(SegmentChange.customer_id).where(
            SegmentChange.run_id == run_id, SegmentChange.to_segment == playbook.segment)
        total += give_follow_ups(session, playbook, customer_ids=session.scalars(moved_in).all())
    return total


CAMPAIGN_COLUMNS = ("customer", "city", "industry", "level", "account_manager", "contact", "title",
                    "mobile", "email", "recency_days", "frequency", "monetary")


def campaign_list(session, segment: str):
    """Rows for a campaign: each customer of ``segment`` with its primary (or first) contact."""
    if segment not in SEGMENTS:
        return
    other = aliased(Contact)
    first_contact = (select(other.id).where(other.customer_id == Customer.id)
                     .order_by(other.is_primary.desc(), other.id).limit(1)
                     .correlate(Customer).scalar_subquery())
    stmt = (select(Customer, CustomerStats, Contact)
            .join(CustomerStats, CustomerStats.customer_id == Customer.id)
            .outerjoin(Contact, and_(Contact.id == first_contact))
            .where(CustomerStats.segment == segment)
            .options(selectinload(Customer.account_manager)).order_by(Customer.name, Customer.id))
    for customer, stats, contact in session.execute(stmt):
        yield {
            "customer": customer.name, "city": customer.city, "industry": customer.industry,
            "level": customer.level,
            "account_manager": customer.account_manager.name if customer.account_manager else "",
            "contact": contact.name if contact else "", "title": contact.title if contact else "",
            "mobile": contact.mobile if contact else "", "email": contact.email if contact else "",
            "recency_days": stats.rfm_recency_days, "frequency": stats.rfm_frequency,
            "monetary": stats.rfm_monetary,
        }
