"""Customers, contacts and campaign lists out to XLSX and CSV.

Rows stream from the database (``yield_per``) into a write-only workbook or
a CSV with a byte-order mark (so Excel opens Chinese text correctly); the
record rules decide which rows are in it, as everywhere.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.crm.models import Contact, Customer
from plugins.crm.models.choices import (
    INDUSTRIES,
    LEVELS,
    SEGMENTS,
    SIZES,
    SOURCES,
    label,
)
from plugins.crm.operations.importing import CONTACT_COLUMNS, CUSTOMER_COLUMNS
from plugins.crm.operations.playbooks import CAMPAIGN_COLUMNS, campaign_list

STATS_COLUMNS = {"meeting_count": ("会议次数", "Meetings"), "total_spend": ("累计消费", "Total spend"),
                 "segment": ("客户分群", "Segment")}


def _title(columns: dict, key: str, chinese: bool) -> str:
    return columns[key][0 if chinese else 1]


def customer_rows(session) -> Iterable[list]:
    stmt = (select(Customer).options(selectinload(Customer.stats), selectinload(Customer.account_manager))
            .order_by(Customer.id).execution_options(yield_per=1000))
    for c in session.scalars(stmt):
        stats = c.stats
        yield [c.name, c.credit_code, label(INDUSTRIES, c.industry), label(SIZES, c.size), c.province,
               c.city, c.address, label(SOURCES, c.source), label(LEVELS, c.level),
               c.account_manager.login if c.account_manager else None, c.notes,
               stats.meeting_count if stats else 0, stats.total_spend if stats else 0,
               label(SEGMENTS, stats.segment) if stats else ""]


def customer_header(chinese: bool) -> list[str]:
    return ([_title(CUSTOMER_COLUMNS, k, chinese) for k in CUSTOMER_COLUMNS]
            + [_title(STATS_COLUMNS, k, chinese) for k in STATS_COLUMNS])


def contact_rows(session) -> Iterable[list]:
    stmt = (select(Contact).options(selectinload(Contact.customer))
            .order_by(Contact.customer_id, Contact.id).execution_options(yield_per=1000))
    for p in session.scalars(stmt):
        yield [p.customer.credit_code or p.customer.name, p.name, p.title, p.department, p.mobile, p.email,
               p.wechat, p.id_number, "是" if p.is_primary else "", p.notes]


def contact_header(chinese: bool) -> list[str]:
    return [_title(CONTACT_COLUMNS, k, chinese) for k in CONTACT_COLUMNS]


def to_xlsx(sheets: list[tuple[str, list[str], Iterable[list]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(header: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def customers_xlsx(session, chinese: bool = True) -> bytes:
    """Customers and contacts, in the layout the import reads back."""
    return to_xlsx([("客户" if chinese else "Customers", customer_header(chinese), customer_rows(session)),
                    ("联系人" if chinese else "Contacts", contact_header(chinese), contact_rows(session))])


def customers_csv(session, chinese: bool = True) -> bytes:
    return to_csv(customer_header(chinese), customer_rows(session))


def template_xlsx(chinese: bool = True) -> bytes:
    """An empty workbook with the import's headers."""
    return to_xlsx([("客户" if chinese else "Customers", list(customer_header(chinese))[:len(CUSTOMER_COLUMNS)], []),
                    ("联系人" if chinese else "Contacts", contact_header(chinese), [])])


CAMPAIGN_HEADERS = {
    "customer": _l("Customer"), "city": _l("City"), "industry": _l("Industry"), "level": _l("Level"),
    "account_manager": _l("Account manager"), "contact": _l("Contact"), "title": _l("Title"),
    "mobile": _l("Mobile"), "email": _l("E-mail"), "recency_days": _l("Days since last activity"),
    "frequency": _l("Meetings in window"), "monetary": _l("Spend in window"),
}


def campaign_file(session, segment: str, fmt: str) -> bytes:
    """The segment's campaign list as ``xlsx`` or ``csv``."""
    header = [str(CAMPAIGN_HEADERS[k]) for k in CAMPAIGN_COLUMNS]
    rows = ([row[k] if k not in ("industry", "level") else
             label(INDUSTRIES if k == "industry" else LEVELS, row[k]) for k in CAMPAIGN_COLUMNS]
            for row in campaign_list(session, segment))
    if fmt == "csv":
        return to_csv(header, rows)
    return to_xlsx([(str(SEGMENTS.get(segment, segment))[:31], header, rows)])
