"""Tag rules: conditions kept as data, compiled to SQL, applied set-wise.

A condition reads ``field operator value`` with an optional look-back in
months, e.g. ``spend (12 months) >= 500000``. Fields:

* attributes: ``industry``, ``size``, ``province``, ``city``, ``source``,
  ``level``, ``segment`` (text operators);
* ``spend`` (CNY paid) and ``meetings`` (meetings held, cancelled ones left
  out), all time or over the last ``months``;
* ``recency_days``: days since the last meeting or payment (never: infinite).

Applying a rule inserts the tag for matching customers that lack it and
removes it from those that no longer match, in two statements per rule,
whether for one customer (on change) or for all (the scheduled job).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, insert, literal, not_, or_, select

from core.db.types import UTCDateTime, utcnow
from core.errors import ValidationFailed
from plugins.crm.models import (
    Customer,
    CustomerStats,
    CustomerTag,
    Meeting,
    Spend,
    TagRule,
)
from plugins.crm.operations.sqlfn import days_since

TEXT_FIELDS = {
    "industry": Customer.industry, "size": Customer.size, "province": Customer.province,
    "city": Customer.city, "source": Customer.source, "level": Customer.level,
    "segment": CustomerStats.segment,
}
NUMBER_FIELDS = ("spend", "meetings", "recency_days")
FIELD_LABELS = {
    "industry": _l("Industry"), "size": _l("Company size"), "province": _l("Province"),
    "city": _l("City"), "source": _l("Source channel"), "level": _l("Level"),
    "segment": _l("RFM segment"), "spend": _l("Spend (CNY)"), "meetings": _l("Meetings held"),
    "recency_days": _l("Days since last meeting or payment"),
}
TEXT_OPERATORS = ("=", "!=", "in", "not_in", "contains")
NUMBER_OPERATORS = ("=", "!=", ">", ">=", "<", "<=")
OPERATOR_LABELS = {"=": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
                   "in": _l("is one of"), "not_in": _l("is none of"), "contains": _l("contains")}
NEVER_DAYS = 1_000_000


def months_ago(now: datetime, months: int) -> datetime:
    """The same instant ``months`` calendar months earlier (day clipped to the month's end)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    days_in = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return now.replace(year=year, month=month, day=min(now.day, days_in))


def _number(value: str, field: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        raise ValidationFailed(_("%(field)s needs a number, not %(value)s.",
                                 field=FIELD_LABELS[field], value=value), field="conditions") from None


def _compare(column, operator: str, value):
    return {"=": column == value, "!=": column != value, ">": column > value, ">=": column >= value,
            "<": column < value, "<=": column <= value}[operator]


def _number_column(session, field: str, months: int | None, now: datetime):
    if field == "recency_days":
        return func.coalesce(days_since(session, CustomerStats.last_activity_at, now), NEVER_DAYS)
    since = months_ago(now, months) if months else None
    if field == "spend":
        if since is None:
            return func.coalesce(CustomerStats.total_spend, 0)
        return (select(func.coalesce(func.sum(Spend.amount), 0))
                .where(Spend.customer_id == Customer.id, Spend.paid_at >= since).scalar_subquery())
    if since is None:
        return func.coalesce(CustomerStats.meeting_count, 0)
    return (select(func.count(Meeting.id))
            .where(Meeting.customer_id == Customer.id, Meeting.status != "cancelled",
                   Meeting.start_date >= since.date()).scalar_subquery())


def _text_condition(column, operator: str, value: str):
    if operator in ("in", "not_in"):
        values = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
        test = column.in_(values)
        return test if operator == "in" else or_(column.is_(None), not_(test))
    if operator == "contains":
        return column.contains(value, autoescape=True)
    return column == value if operator == "=" else or_(column.is_(None), column != value)


def condition_sql(session, field: str, operator: str, value: str, months: int | None, now: datetime):
    """One condition as a SQL criterion over ``Customer`` outer-joined with its stats."""
    if field in TEXT_FIELDS:
        if operator not in TEXT_OPERATORS:
            raise ValidationFailed(_("The operator %(op)s does not apply to %(field)s.",
                                     op=operator, field=FIELD_LABELS[field]), field="conditions")
        return _text_condition(TEXT_FIELDS[field], operator, value)
    if field not in NUMBER_FIELDS:
        raise ValidationFailed(_("Unknown field %(field)s.", field=field), field="conditions")
    if operator not in NUMBER_OPERATORS:
        raise ValidationFailed(_("The operator %(op)s does not apply to %(field)s.",
                                 op=operator, field=FIELD_LABELS[field]), field="conditions")
    if months is not None and months <= 0:
        raise ValidationFailed(_("A look-back needs a positive number of months."), field="conditions")
    return _compare(_number_column(session, field, months, now), operator, _number(value, field))


def rule_sql(session, rule: TagRule, now: datetime | None = None):
    """The rule's conditions combined; a rule without conditions matches nobody."""
    now = now or utcnow()
    parts = [condition_sql(session, c.field, c.operator, c.value, c.months, now) for c in rule.conditions]
    if not parts:
        return literal(False)
    return and_(*parts) if rule.match != "any" else or_(*parts)


def matching(session, rule: TagRule, customer_ids=None, now: datetime | None = None, columns=None):
    """SELECT of the customers ``rule`` matches (their ids, or ``columns``)."""
    stmt = (select(*(columns or [Customer.id]))
            .select_from(Customer)
            .outerjoin(CustomerStats, CustomerStats.customer_id == Customer.id)
            .where(rule_sql(session, rule, now)))
    if customer_ids is not None:
        stmt = stmt.where(Customer.id.in_(list(customer_ids)))
    return stmt


def apply_rule(session, rule: TagRule, customer_ids=None, now: datetime | None = None) -> None:
    now = now or utcnow()
    scope = CustomerTag.rule_id == rule.id
    if customer_ids is not None:
        scope = and_(scope, CustomerTag.customer_id.in_(list(customer_ids)))
    if not rule.active:
        session.execute(delete(CustomerTag).where(scope).execution_options(synchronize_session=False))
        return
    session.execute(delete(CustomerTag)
                    .where(scope, CustomerTag.customer_id.not_in(matching(session, rule, customer_ids, now)))
                    .execution_options(synchronize_session=False))
    columns = [Customer.id, literal(rule.tag_id), literal(rule.id), literal(now, UTCDateTime)]
    missing = matching(session, rule, customer_ids, now, columns).where(
        ~exists().where(CustomerTag.customer_id == Customer.id, CustomerTag.rule_id == rule.id))
    session.execute(insert(CustomerTag).from_select(
        ["customer_id", "tag_id", "rule_id", "created_at"], missing))


def apply_rules(session, customer_ids=None, rules=None) -> dict[int, int]:
    """Re-apply ``rules`` (default: all) to ``customer_ids`` (default: everyone).

    Returns, for a run over everyone, how many customers each rule tags now.
    """
    now = utcnow()
    rules = list(rules) if rules is not None else list(session.scalars(select(TagRule).order_by(TagRule.id)))
    counts = {}
    for rule in rules:
        apply_rule(session, rule, customer_ids, now)
        if customer_ids is None:
            rule.last_applied_at = now
            rule.last_matched = session.scalar(
                select(func.count()).select_from(CustomerTag).where(CustomerTag.rule_id == rule.id))
            counts[rule.id] = rule.last_matched
    _forget_loaded_tags(session, customer_ids)
    return counts


def _forget_loaded_tags(session, customer_ids) -> None:
    """The statements above bypass the identity map: reload tags shown afterwards."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Customer) and (customer_ids is None or obj.id in customer_ids):
            session.expire(obj, ["tags", "manual_tags"])


def validate_rule(session, rule: TagRule) -> None:
    """Compile the rule once, so a bad condition is refused when it is saved."""
    if not rule.conditions:
        raise ValidationFailed(_("A tag rule needs at least one condition."), field="conditions")
    rule_sql(session, rule)
