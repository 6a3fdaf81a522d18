"""Demo data: a Chinese event agency's clients, at small scale or large.

``small``: 60 customers with contacts, three years of meetings, payments,
feedback, preferences and communication records. ``large``: 100,000
customers and 300,000 contacts with their meetings and payments, written in
bulk (Core INSERTs of a few thousand rows each; personal data is still
encrypted and blind-indexed), for benchmarks. Both end with the tag rules
applied and the RFM segments computed.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from core.db.types import utcnow
from core.security.models import User
from plugins.crm import demo_names as W
from plugins.crm.models import (
    Communication,
    Contact,
    Customer,
    CustomerStats,
    Feedback,
    Meeting,
    Preference,
    Spend,
)
from plugins.crm.models.choices import INDUSTRIES, LEVELS, SIZES, SOURCES
from plugins.crm.operations import rfm, tag_rules
from plugins.crm.operations.validation import (
    CREDIT_ALPHABET,
    credit_check_char,
    email_index,
    mobile_index,
    name_key,
)

SCALES = {"small": (60, 2.5), "large": (100_000, 3.0)}
BATCH = 2000
ACCOUNT_MANAGERS = ("zhouqiang", "wuli", "wangfang")
_SIZE_AMOUNT = {"micro": 30_000, "small": 80_000, "medium": 200_000, "large": 500_000, "huge": 1_200_000}


def org_check(body8: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2)))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, region: str) -> str:
    body = "".join(rng.choice(CREDIT_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + region + body + org_check(body)
    return first17 + credit_check_char(first17)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(1, 0), tzinfo=UTC)


class Generator:
    def __init__(self, rng: random.Random, managers: list[int], today: date, rich: bool):
        self.rng, self.managers, self.today, self.rich = rng, managers, today, rich
        self.names: set[str] = set()
        self.serial = 0

    def company_name(self, city: str, industry: str) -> str:
        words = W.INDUSTRY_WORDS[industry][0]
        for _ in range(20):
            brand = "".join(self.rng.sample(W.BRAND_CHARS, 2))
            name = f"{city}{brand}{self.rng.choice(words)}{self.rng.choice(W.SUFFIXES)}"
            if name not in self.names:
                break
        else:
            self.serial += 1
            name = f"{city}{brand}{self.rng.choice(words)}第{self.serial}分公司"
        self.names.add(name)
        return name

    def customer(self) -> dict:
        rng = self.rng
        city, province, region = rng.choices(W.CITIES, W.CITY_WEIGHTS)[0]
        industry = rng.choices(list(INDUSTRIES), W.INDUSTRY_WEIGHTS)[0]
        name = self.company_name(city, industry)
        return {"name": name, "name_key": name_key(name), "credit_code": credit_code(rng, region),
                    "industry": industry, "size": rng.choices(list(SIZES), [15, 30, 35, 15, 5])[0],
                    "province": province, "city": city, "address": f"{city}市{rng.choice('东西南北中')}区{rng.randint(1, 999)}号",
                    "source": rng.choice(list(SOURCES)), "level": rng.choices(list(LEVELS), [5, 15, 60, 20])[0],
                    "account_manager_id": rng.choice(self.managers) if self.managers else None, "version": 1}

    def contact(self, customer_id: int, primary: bool) -> dict:
        rng = self.rng
        (surname, s_py), (given, g_py) = rng.choice(W.SURNAMES), rng.choice(W.GIVEN)
        phone = mobile(rng)
        email = f"{g_py}.{s_py}{rng.randint(1, 9999)}@{rng.choice(W.MAIL_DOMAINS)}"
        return {"customer_id": customer_id, "name": surname + given, "title": rng.choice(W.TITLES),
                    "department": rng.choice(W.DEPARTMENTS), "is_primary": primary, "mobile": phone,
                    "mobile_bidx": mobile_index(phone), "email": email, "email_bidx": email_index(email),
                    "wechat": None, "wechat_bidx": None, "version": 1}

    def meetings(self, customer_id: int, customer: dict) -> list[dict]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3, 4, 6], [20, 30, 20, 15, 10, 5])[0]
        words = W.INDUSTRY_WORDS[customer["industry"]][1] + W.GENERIC_MEETINGS
        horizon = rng.choice([1100, 700, 365, 180])  # how far back this client's history reaches
        rows = []
        for _ in range(count):
            start = self.today - timedelta(days=rng.randint(-60, horizon))
            base = _SIZE_AMOUNT[customer["size"]]
            amount = Decimal(rng.randint(base // 2, base * 3) // 1000 * 1000)
            done = start < self.today
            rows.append({"customer_id": customer_id, "code": None, "project_id": None,
                             "title": f"{start.year}年{rng.choice(words)}", "status": "completed" if done else "confirmed",
                             "city": rng.choice(W.CITIES)[0], "start_date": start, "end_date": start + timedelta(days=rng.randint(0, 2)),
                             "attendees": rng.choice([30, 80, 150, 300, 500, 1200]), "amount": amount,
                             "confirmed_at": _instant(start - timedelta(days=45)),
                             "completed_at": _instant(start + timedelta(days=2)) if done else None, "version": 1})
        return rows

    def spend(self, meeting: dict, ref: str) -> dict | None:
        paid = meeting["end_date"] + timedelta(days=self.rng.randint(15, 60))
        if meeting["status"] != "completed" or paid >= self.today:
            return None
        return {"customer_id": meeting["customer_id"], "amount": meeting["amount"], "paid_at": _instant(paid),
                    "ref": ref, "created_at": utcnow()}


def _stats(customer_id: int, meetings: list[dict], payments: list[dict]) -> dict:
    days = [m["start_date"] for m in meetings]
    paid = [p["paid_at"] for p in payments]
    first, last = (_instant(min(days)), _instant(max(days))) if days else (None, None)
    last_paid = max(paid) if paid else None
    moments = [m for m in (last, last_paid) if m]
    return {"customer_id": customer_id, "first_meeting_at": first, "last_meeting_at": last,
                "meeting_count": len(days), "total_spend": sum((p["amount"] for p in payments), Decimal(0)),
                "last_paid_at": last_paid, "last_activity_at": max(moments) if moments else None}


def _insert(session, model, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)


def _batch(session, gen: Generator, size: int, contacts_per: float, first_ref: int) -> None:
    customers = [gen.customer() for _ in range(size)]
    ids = session.execute(insert(Customer.__table__).returning(Customer.__table__.c.id, sort_by_parameter_order=True),
                          customers).scalars().all()
    contacts, meetings, payments, stats = [], [], [], []
    for n, (cid, row) in enumerate(zip(ids, customers)):
        k = max(1, round(gen.rng.gauss(contacts_per, 1)))
        contacts += [gen.contact(cid, i == 0) for i in range(k)]
        mine = gen.meetings(cid, row)
        paid = [p for i, m in enumerate(mine) if (p := gen.spend(m, f"demo:{first_ref + n}:{i}"))]
        meetings += mine
        payments += paid
        stats.append(_stats(cid, mine, paid))
    for model, rows in ((Contact, contacts), (Meeting, meetings), (Spend, payments), (CustomerStats, stats)):
        _insert(session, model, rows)
    if gen.rich:
        _rich_details(session, gen, ids)


def _rich_details(session, gen: Generator, customer_ids: list[int]) -> None:
    """Preferences, communication records and feedback, for the small demo."""
    rng, now = gen.rng, utcnow()
    for cid in customer_ids:
        for kind in rng.sample(list(W.PREFERENCES), rng.randint(1, 4)):
            session.add(Preference(customer_id=cid, kind=kind, value=rng.choice(W.PREFERENCES[kind])))
        owner = rng.choice(gen.managers) if gen.managers else None
        for _ in range(rng.randint(1, 5)):
            kind = rng.choice(["call", "call", "visit", "email"])
            subject = rng.choice(W.VISIT_SUBJECTS if kind == "visit" else W.CALL_SUBJECTS)
            session.add(Communication(customer_id=cid, kind=kind, subject=subject, owner_id=owner,
                                      direction="out", occurred_at=now - timedelta(days=rng.randint(1, 400),
                                                                                    hours=rng.randint(0, 9))))
    meetings = session.scalars(select(Meeting).where(Meeting.customer_id.in_(customer_ids),
                                                     Meeting.status == "completed")).all()
    for meeting in meetings:
        if rng.random() < 0.6:
            session.add(Feedback(customer_id=meeting.customer_id, meeting_id=meeting.id,
                                 score=rng.choices(range(11), [1, 1, 1, 1, 2, 3, 4, 8, 12, 14, 10])[0],
                                 comments=rng.choice(W.FEEDBACK_COMMENTS),
                                 received_at=_instant(meeting.end_date + timedelta(days=3))))
    session.flush()


def load_demo(session, scale: str, progress) -> None:
    if session.scalar(select(func.count()).select_from(Customer)) > 0:
        return
    total, contacts_per = SCALES.get(scale, SCALES["small"])
    managers = list(session.scalars(select(User.id).where(User.login.in_(ACCOUNT_MANAGERS))))
    gen = Generator(random.Random(20260101), managers, utcnow().date(), rich=scale != "large")
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        _batch(session, gen, size, contacts_per, done)
        done += size
        progress(done, total, "crm customers")
    progress(0, 2, "crm tag rules and segments")
    tag_rules.apply_rules(session)
    progress(1, 2, "crm tag rules and segments")
    rfm.recompute(session)
    progress(2, 2, "crm tag rules and segments")
