"""Customers and contacts from an Excel workbook, with a report row by row.

The workbook holds a customers sheet (named 客户 or Customers, else the
first sheet) and optionally a contacts sheet (联系人 or Contacts). Headers
may be the field names or their Chinese or English titles (``COLUMNS``);
vocabulary cells may hold a code or its label. Contacts name their company
by credit code or exact name, in the file or already on record.

By default one bad row imports nothing (``applied`` is False and the caller
rolls back); with ``only_good_rows`` the good rows are imported and the bad
ones reported.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from zipfile import BadZipFile

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import func, select

from core.errors import DomainError, ValidationFailed
from core.security.models import User
from plugins.crm.models import Customer
from plugins.crm.models.choices import INDUSTRIES, LEVELS, SIZES, SOURCES
from plugins.crm.operations import customers as ops
from plugins.crm.operations import tag_rules
from plugins.crm.schemas import ContactIn, CustomerIn

CUSTOMER_COLUMNS = {
    "name": ("客户名称", "Customer name"), "credit_code": ("统一社会信用代码", "Credit code"),
    "industry": ("行业", "Industry"), "size": ("规模", "Size"), "province": ("省份", "Province"),
    "city": ("城市", "City"), "address": ("地址", "Address"), "source": ("来源", "Source"),
    "level": ("级别", "Level"), "account_manager": ("客户经理", "Account manager"),
    "notes": ("备注", "Notes"),
}
CONTACT_COLUMNS = {
    "customer": ("客户", "Customer"), "name": ("姓名", "Name"), "title": ("职务", "Title"),
    "department": ("部门", "Department"), "mobile": ("手机", "Mobile"), "email": ("邮箱", "E-mail"),
    "wechat": ("微信", "WeChat"), "id_number": ("证件号码", "ID number"),
    "is_primary": ("主要联系人", "Primary contact"), "notes": ("备注", "Notes"),
}
_VOCABULARIES = {"industry": INDUSTRIES, "size": SIZES, "source": SOURCES, "level": LEVELS}
_YES = {"1", "true", "yes", "y", "是", "√", "x"}
MAX_ROWS = 50_000


@dataclass
class RowError:
    sheet: str
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    customers: int = 0
    contacts: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.isoformat()
    text = str(value).strip()
    return text or None


def _header_map(header, columns: dict) -> dict[int, str]:
    aliases = {alias.lower(): key for key, names in columns.items() for alias in (key, *names)}
    return {i: aliases[str(h).strip().lower()] for i, h in enumerate(header)
            if h is not None and str(h).strip().lower() in aliases}


def _rows(sheet, columns: dict):
    """(row number, {field: text}) for each non-empty row under the header."""
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    mapping = _header_map(header, columns)
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationFailed(_("A sheet may hold at most %(n)d rows.", n=MAX_ROWS), field="file")
        record = {key: _cell(values[i]) for i, key in mapping.items() if i < len(values)}
        if any(record.values()):
            yield number, record


def _labels_to_codes() -> dict[str, dict[str, str]]:
    """Per vocabulary field, every accepted spelling (code, English, Chinese) -> code."""
    locales = ("en", "zh_Hans_CN") if has_app_context() else (None,)
    out: dict[str, dict[str, str]] = {}
    for name, vocabulary in _VOCABULARIES.items():
        spellings = {code.lower(): code for code in vocabulary}
        for locale in locales:
            if locale is None:
                spellings.update({str(label).lower(): code for code, label in vocabulary.items()})
                continue
            with force_locale(locale):
                spellings.update({str(label).lower(): code for code, label in vocabulary.items()})
        out[name] = spellings
    return out


def _sheet(workbook, *names):
    for sheet in workbook.worksheets:
        if sheet.title.strip().lower() in names:
            return sheet
    return None


class _Importer:
    def __init__(self, session, only_good_rows: bool):
        self.session, self.only_good = session, only_good_rows
        self.report = ImportReport()
        self.codes = _labels_to_codes()
        self.created: dict[str, Customer] = {}
        self.managers: dict[str, int | None] = {}
        self.new_ids: list[int] = []

    def error(self, sheet, row, fld, message) -> None:
        self.report.errors.append(RowError(sheet, row, fld, str(message)))

    def row(self, sheet, number: int, work, record: dict) -> None:
        """Run ``work(record)`` in a savepoint; a refusal becomes an error line, not an abort."""
        try:
            with self.session.begin_nested():
                work(record)
        except ValidationError as exc:
            for fld, messages in exc.messages.items():
                self.error(sheet, number, fld, "; ".join(map(str, messages)))
        except DomainError as exc:
            self.error(sheet, number, exc.field or "", exc.message)

    def _manager_id(self, login: str | None) -> int | None:
        if not login:
            return None
        if login not in self.managers:
            self.managers[login] = self.session.scalar(
                select(User.id).where(func.lower(User.login) == login.lower(), User.is_portal.is_(False)))
        if self.managers[login] is None:
            raise ValidationFailed(_("There is no user %(login)s.", login=login), field="account_manager")
        return self.managers[login]

    def customer(self, record: dict) -> None:
        for name, spellings in self.codes.items():
            if record.get(name):
                record[name] = spellings.get(record[name].lower(), record[name])
        data = CustomerIn().load({k: v for k, v in record.items() if k != "account_manager" and v is not None})
        data["account_manager_id"] = self._manager_id(record.get("account_manager"))
        customer, _flags = ops.create_customer(self.session, data, apply_rules=False)
        self.created[customer.name] = customer
        if customer.credit_code:
            self.created[customer.credit_code] = customer
        self.new_ids.append(customer.id)
        self.report.customers += 1

    def _company(self, ref: str | None) -> Customer:
        if not ref:
            raise ValidationFailed(_("Name the contact's company."), field="customer")
        found = self.created.get(ref) or self.created.get(ref.upper()) or self.session.scalar(
            select(Customer).where((Customer.credit_code == ref.upper()) | (Customer.name == ref)).limit(1))
        if found is None:
            raise ValidationFailed(_("There is no customer %(ref)s.", ref=ref), field="customer")
        return found

    def contact(self, record: dict) -> None:
        company = self._company(record.pop("customer", None))
        record["is_primary"] = (record.get("is_primary") or "").lower() in _YES
        data = ContactIn().load({k: v for k, v in record.items() if v is not None})
        ops.create_contact(self.session, company, data)
        self.report.contacts += 1


def import_workbook(session, stream, only_good_rows: bool = False) -> ImportReport:
    """Import what the workbook holds; see the module docstring for the all-or-nothing rule.

    When the report says ``applied=False`` nothing of the file is left in the session.
    """
    try:
        workbook = load_workbook(io.BytesIO(stream.read()), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ValidationFailed(_("This file is not an Excel workbook (.xlsx)."), field="file") from None
    importer = _Importer(session, only_good_rows)
    customers = _sheet(workbook, "客户", "customers") or workbook.worksheets[0]
    contacts = _sheet(workbook, "联系人", "contacts")
    whole = session.begin_nested()
    for number, record in _rows(customers, CUSTOMER_COLUMNS):
        importer.row(customers.title, number, importer.customer, record)
    if contacts is not None and contacts is not customers:
        for number, record in _rows(contacts, CONTACT_COLUMNS):
            importer.row(contacts.title, number, importer.contact, record)
    report = importer.report
    report.applied = not report.errors or only_good_rows
    if not report.applied:
        whole.rollback()
        return report
    if importer.new_ids:
        tag_rules.apply_rules(session, customer_ids=importer.new_ids)
    whole.commit()
    return report
