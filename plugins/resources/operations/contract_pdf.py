"""The booking contract as a PDF: what the agency signs with its client for one booked resource.

The caller gathers everything into a ``ContractData`` (frozen, validated on
creation) and gets bytes back; nothing here reads the database, so the same
contract renders in a request, a background job or a test::

    data = ContractData(number="HT-2030-0042", version=1, issued_on=date(2030, 4, 1),
                        agency=Agency.from_profile(company.profile(s), company.logo_bytes(s)),
                        client=ClientSide("上海云途网络科技有限公司", "P-2030-007", "2030 年度经销商大会"),
                        resource=BookedResource("国际会议中心 A 厅", "场地"),
                        start=..., end=..., fees=(FeeLine("场地租赁", Decimal(2), "天", Decimal("18000")),),
                        tax_rate=Decimal("0.06"))
    pdf_bytes = render_contract(data)

Labels and the default terms follow the current locale (Chinese by default,
English for an English user); the total in capital numerals is always
Chinese, since that line is what a Chinese bank or auditor reads. Amounts are
Decimal, rounded half up to the cent; unit prices exclude tax.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.errors import ValidationFailed
from plugins.resources.operations.capital_numerals import rmb_capitals, to_cents
from plugins.resources.operations.pdf_fonts import cjk_font

log = logging.getLogger(__name__)

#: Used when the caller gives no terms of its own; one paragraph each.
DEFAULT_TERMS = (
    _l("Cancellation. Party B may cancel the booking by written notice. Cancelled 30 days or more "
       "before the booking starts: free of charge. Cancelled 7 to 29 days before: 30 per cent of the total is due. "
       "Cancelled less than 7 days before, or not used: the whole total is due."),
    _l("Changes. A change of dates, times, layout or quantity must be agreed in writing by both parties "
       "no later than 7 days before the booking starts, subject to the resource being available. "
       "Each agreed change is issued as a new version of this contract, which replaces the previous one; "
       "a difference in price is settled with the final payment."),
    _l("Liability. Party A delivers the resource as specified in this contract, in a safe and usable "
       "condition, and compensates Party B for direct losses caused by its failure to do so, up to the "
       "total of this contract. Party B uses the resource with due care and pays for damage caused by its "
       "participants beyond normal wear. Neither party is liable for a failure caused by force majeure, "
       "provided it informs the other party at once and limits the losses."),
    _l("Payment. Party B pays half of the total within 5 working days of signing and the balance within "
       "10 working days after the booking ends, by bank transfer to Party A's account stated above. "
       "Party A issues a VAT invoice for each payment received."),
    _l("Effect. This contract takes effect when signed and sealed by both parties and is made in two "
       "copies of equal force, one for each party. Disputes are settled by negotiation; failing that, "
       "either party may bring the matter before the people's court where Party A is located."),
)


def _decimal(value, name: str) -> Decimal:
    """``value`` as a Decimal, refusing floats (binary fractions are not money) and non-numbers."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise ValidationFailed(_("must be a decimal number, not %(kind)s.", kind=type(value).__name__), field=name)
    value = Decimal(value)
    if not value.is_finite():
        raise ValidationFailed(_("must be a finite number."), field=name)
    return value


@dataclass(frozen=True)
class Agency:
    """Party A: the agency, as its company profile in the settings describes it."""

    name: str
    address: str = ""
    #: 统一社会信用代码
    tax_number: str = ""
    bank_name: str = ""
    bank_account: str = ""
    phone: str = ""
    #: PNG or JPEG bytes printed at the top, or None.
    logo: bytes | None = None

    @classmethod
    def from_profile(cls, profile, logo: bytes | None = None) -> Agency:
        """From ``core.services.company.profile(session)`` and ``logo_bytes(session)``."""
        return cls(name=profile.name, address=profile.address, tax_number=profile.tax_number,
                   bank_name=profile.bank_name, bank_account=profile.bank_account, phone=profile.phone, logo=logo)


@dataclass(frozen=True)
class ClientSide:
    """Party B, the customer, and the project the booking serves."""

    customer_name: str
    project_code: str
    project_title: str
    #: The agency's project manager who looks after the project.
    project_manager: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class BookedResource:
    """What is booked: a venue, a piece of equipment, a caterer, a troupe..."""

    name: str
    #: Already a label for people ("场地", "Equipment"), not a code.
    kind: str
    specification: str = ""
    location: str = ""
    supplier: str = ""


@dataclass(frozen=True)
class FeeLine:
    """One line of the fee table; its amount is quantity × unit price, to the cent."""

    description: str
    quantity: Decimal
    #: The unit the quantity counts ("天", "hour", "person").
    unit: str
    #: Before tax; may have more decimals than a cent ("0.125" per copy).
    unit_price: Decimal

    def __post_init__(self):
        if _decimal(self.quantity, "quantity") < 0:
            raise ValidationFailed(_("must not be negative."), field="quantity")
        _decimal(self.unit_price, "unit_price")

    @property
    def amount(self) -> Decimal:
        return to_cents(Decimal(self.quantity) * Decimal(self.unit_price))


@dataclass(frozen=True)
class ContractData:
    """Everything one version of a booking contract prints. Invalid data raises ``ValidationFailed``."""

    number: str
    #: 1 for the first contract; each agreed change issues the next version.
    version: int
    issued_on: date
    agency: Agency
    client: ClientSide
    resource: BookedResource
    #: The booking window, already in the company's local time.
    start: datetime
    end: datetime
    fees: tuple[FeeLine, ...]
    #: 0.06 for 6 %.
    tax_rate: Decimal
    #: How a venue is set up ("课桌式", "banquet"), empty for other kinds.
    layout: str = ""
    quantity: Decimal = Decimal(1)
    quantity_unit: str = ""
    #: Paragraphs of terms; empty means ``DEFAULT_TERMS`` in the current language.
    terms: tuple[str, ...] = ()
    #: The booking the contract is for (``BK-2030-000001``), so a reader finds it in the system.
    booking_code: str = ""

    def __post_init__(self):
        checks = [
            ("number", not self.number.strip(), _("is required.")),
            ("version", not isinstance(self.version, int) or self.version < 1, _("must be 1 or more.")),
            ("end", self.end <= self.start, _("must be after the start.")),
            ("quantity", _decimal(self.quantity, "quantity") <= 0, _("must be more than zero.")),
            ("fees", not self.fees, _("at least one fee line is required.")),
        ]
        for name, failed, reason in checks:
            if failed:
                raise ValidationFailed(reason, field=name)
        if not 0 <= _decimal(self.tax_rate, "tax_rate") < 1:
            raise ValidationFailed(_("must be between 0 and 1 (0.06 for 6%)."), field="tax_rate")
        if self.total < 0:
            raise ValidationFailed(_("the total must not be negative."), field="fees")

    @property
    def display_number(self) -> str:
        """The number as printed: a later version carries its version, so two versions never look alike."""
        return self.number if self.version == 1 else f"{self.number}-V{self.version}"

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.fees), Decimal("0.00"))

    @property
    def tax(self) -> Decimal:
        return to_cents(self.subtotal * Decimal(self.tax_rate))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


# -- rendering ----------------------------------------------------------------------

PAGE_MARGIN = 18 * mm
WIDTH = A4[0] - 2 * PAGE_MARGIN


def render_contract(data: ContractData, font_path: str | None = None) -> bytes:
    """The contract as PDF bytes, in the current locale; ``font_path`` overrides the CJK font found."""
    styles = _styles(cjk_font(font_path))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                            topMargin=PAGE_MARGIN, bottomMargin=PAGE_MARGIN + 6 * mm,
                            title=f"{_('Booking contract')} {data.display_number}", author=data.agency.name)
    footer = _("Contract %(number)s", number=data.display_number)
    story = [*_header(data, styles), *_parties(data, styles), *_booking(data, styles), *_fees(data, styles),
             *_terms(data, styles), _signatures(data, styles)]
    doc.build(story, canvasmaker=lambda *a, **kw: _PagedCanvas(*a, footer=footer, font=styles["font"], **kw))
    return buffer.getvalue()


def _styles(font: str) -> dict:
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "font": font,
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=12),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=body, fontSize=11.5, leading=16, spaceBefore=9, spaceAfter=4),
        "term": ParagraphStyle("term", parent=body, firstLineIndent=0, leftIndent=12, bulletIndent=0,
                               spaceAfter=3),
    }


def _p(text, style) -> Paragraph:
    """A paragraph of text a person typed: escaped, since reportlab reads markup in it."""
    return Paragraph(escape(str(text)), style)


def _day(value: date) -> str:
    return _("%(year)d-%(month)02d-%(day)02d", year=value.year, month=value.month, day=value.day)


def _moment(value: datetime) -> str:
    return f"{_day(value)} {value:%H:%M}"


def _amount(value: Decimal) -> str:
    return f"{'-' if value < 0 else ''}¥{abs(value):,.2f}"


def _number(value) -> str:
    """A quantity or unit price without noise: 2 not 2.00, 0.125 kept, thousands grouped."""
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _grid(rows, widths, styles, header=False) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    commands = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    table.setStyle(TableStyle(commands))
    return table


def _label_rows(pairs, styles) -> list[list[Paragraph]]:
    """``(label, value)`` pairs as table rows, skipping values nobody filled in."""
    return [[_p(label, styles["body"]), _p(value, styles["body"])] for label, value in pairs if value]


def _header(data: ContractData, styles) -> list:
    logo = _logo(data.agency.logo)
    name = _p(data.agency.name, styles["body"])
    if logo:
        name = Table([[logo, name]], colWidths=[40 * mm, WIDTH - 40 * mm], hAlign="LEFT",
                     style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    top = [name, Spacer(1, 2 * mm), _p(_("Booking contract"), styles["title"])]
    facts = [
        _("Contract No.: %(number)s", number=data.display_number),
        _("Version %(version)d", version=data.version),
        _("Issue date: %(date)s", date=_day(data.issued_on)),
    ]
    if data.booking_code:
        facts.insert(1, _("Booking No.: %(code)s", code=data.booking_code))
    flow = [*top, Spacer(1, 3 * mm), _p(" · ".join(facts), styles["right"])]
    if data.version > 1:
        flow.append(_p(_("This version replaces all earlier versions of the contract."), styles["right"]))
    flow += [Spacer(1, 3 * mm),
             _p(_("Party A and Party B agree on the booking below for Party B's project."), styles["body"])]
    return flow


def _logo(logo: bytes | None):
    """The logo scaled into a 36 × 18 mm box, or None (a broken logo must not stop a contract)."""
    if not logo:
        return None
    try:
        reader = ImageReader(io.BytesIO(logo))
        reader.getRGBData()  # decodes it all now: a truncated file would otherwise fail in the middle of build
        width, height = reader.getSize()
    except OSError:  # Pillow's errors for unreadable or truncated images
        log.warning("the company logo is not a readable image; the contract is printed without it")
        return None
    scale = min(36 * mm / width, 18 * mm / height)
    return Image(io.BytesIO(logo), width=width * scale, height=height * scale, hAlign="LEFT")


def _parties(data: ContractData, styles) -> list:
    a, b = data.agency, data.client
    party_a = _label_rows([(_("Name"), a.name), (_("Address"), a.address),
                           (_("Unified social credit code"), a.tax_number), (_("Bank"), a.bank_name),
                           (_("Bank account"), a.bank_account), (_("Phone"), a.phone)], styles)
    party_b = _label_rows([(_("Name"), b.customer_name), (_("Address"), b.address), (_("Contact"), b.contact),
                           (_("Phone"), b.phone)], styles)
    project = _label_rows([(_("Project"), f"{b.project_code} {b.project_title}".strip()),
                           (_("Project manager"), b.project_manager)], styles)
    widths = [38 * mm, WIDTH - 38 * mm]
    return [_p(_("Party A (service provider)"), styles["heading"]), _grid(party_a, widths, styles),
            _p(_("Party B (customer)"), styles["heading"]), _grid(party_b + project, widths, styles)]


def _booking(data: ContractData, styles) -> list:
    r = data.resource
    quantity = f"{_number(data.quantity)} {data.quantity_unit}".strip()
    rows = _label_rows([
        (_("Resource"), r.name), (_("Kind"), r.kind), (_("Specification"), r.specification),
        (_("Location"), r.location), (_("Supplier"), r.supplier),
        (_("Booking period"), _("%(start)s to %(end)s", start=_moment(data.start), end=_moment(data.end))),
        (_("Layout"), data.layout), (_("Quantity"), quantity),
    ], styles)
    return [_p(_("Booked resource"), styles["heading"]), _grid(rows, [38 * mm, WIDTH - 38 * mm], styles)]


def _fees(data: ContractData, styles) -> list:
    body, right = styles["body"], styles["right"]
    head = [_p(_("#"), body), _p(_("Fee item"), body), _p(_("Quantity"), right), _p(_("Unit"), body),
            _p(_("Unit price"), right), _p(_("Amount"), right)]
    lines = [[_p(i, body), _p(line.description, body), _p(_number(line.quantity), right), _p(line.unit, body),
              _p(_amount_or_price(line.unit_price), right), _p(_amount(line.amount), right)]
             for i, line in enumerate(data.fees, start=1)]
    rate = f"{_number(Decimal(data.tax_rate) * 100)}%"
    sums = [(_("Subtotal"), data.subtotal), (_("VAT at %(rate)s", rate=rate), data.tax), (_("Total"), data.total)]
    totals = [[_p(label, body), "", "", "", "", _p(_amount(value), right)] for label, value in sums]
    widths = [13 * mm, 57 * mm, 18 * mm, 18 * mm, 32 * mm, WIDTH - 138 * mm]
    table = _grid([head, *lines, *totals], widths, styles, header=True)
    table.repeatRows = 1
    first_total = len(lines) + 1
    table.setStyle(TableStyle([*[("SPAN", (0, row), (4, row)) for row in range(first_total, first_total + 3)],
                               ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#EEEEEE"))]))
    capitals = _("Total in capitals (RMB): %(capitals)s", capitals=rmb_capitals(data.total))
    # Kept on one page where it fits: totals apart from their lines invite doubt.
    return [KeepTogether([_p(_("Fees"), styles["heading"]), table, Spacer(1, 2 * mm), _p(capitals, body)])]


def _amount_or_price(value: Decimal) -> str:
    """A unit price: to the cent, unless it was agreed more finely."""
    value = Decimal(value)
    return _amount(value) if value == value.quantize(Decimal("0.01")) else f"{'-' if value < 0 else ''}¥{_number(abs(value))}"


def _terms(data: ContractData, styles) -> list:
    terms = data.terms or DEFAULT_TERMS
    flow = [_p(_("Terms"), styles["heading"])]
    for i, paragraph in enumerate(terms, start=1):
        flow.append(Paragraph(escape(str(paragraph)), styles["term"], bulletText=f"{i}."))
    return flow


def _signatures(data: ContractData, styles) -> KeepTogether:
    body = styles["body"]
    parties = [_("Party A (seal): %(name)s", name=data.agency.name),
               _("Party B (seal): %(name)s", name=data.client.customer_name)]
    cells = [[_p(party, body), _p(_("Authorised representative (signature):"), body), Spacer(1, 10 * mm),
              _p(_("Date:"), body)] for party in parties]
    table = Table([cells], colWidths=[WIDTH / 2] * 2, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 12)]))
    return KeepTogether([Spacer(1, 6 * mm), table])


class _PagedCanvas(Canvas):
    """Prints "contract N, page x of y" on every page, so a missing or swapped page shows.

    The page count is known only at the end, so pages are kept until ``save``.
    """

    def __init__(self, *args, footer: str, font: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer, self._font, self._pages = footer, font, []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            text = _("%(footer)s, page %(page)d of %(pages)d", footer=self._footer, page=number,
                     pages=len(self._pages))
            self.setFont(self._font, 8)
            self.drawCentredString(A4[0] / 2, PAGE_MARGIN / 2, text)
            super().showPage()
        super().save()
