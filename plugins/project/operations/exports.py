"""The progress report as a PDF (reportlab) and an XLSX workbook (openpyxl).

Chinese in the PDF: a TrueType CJK font is embedded when the configured file
(setting ``project.report_font``) or a usual system font exists, so any reader
shows it; otherwise reportlab's built-in ``STSong-Light`` is used, which needs
the reader to have a Chinese font.
"""
from __future__ import annotations

import io
import logging
import os
from functools import cache

from flask_babel import format_datetime
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.services import settings
from plugins.project.models.choices import PROJECT_TYPES, STATUSES, TASK_STATUSES, label
from plugins.project.operations.report import Report

log = logging.getLogger(__name__)

FONT_SETTING = "project.report_font"
#: Tried in order when the setting is empty.
SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FALLBACK_FONT = "STSong-Light"


@cache
def _register(path: str | None) -> str:
    """The name of a registered font for ``path`` (embedded), or the built-in fallback."""
    if path and os.path.isfile(path):
        try:
            name = "HuiwuCJK-" + os.path.basename(path).split(".")[0]
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
            return name
        except Exception:
            log.exception("font %s could not be embedded; using %s", path, FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def font_name(session) -> str:
    configured = settings.get(session, FONT_SETTING)
    candidates = [configured] if configured else list(SYSTEM_FONTS)
    for path in candidates:
        if path and os.path.isfile(path):
            return _register(path)
    return _register(None)


def _when(value) -> str:
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


def _rows(report: Report) -> list[tuple[str, list[list[str]]]]:
    """The report's sections as (heading, rows), shared by the PDF and the workbook."""
    p = report.project
    sections = [
        (_("Project"), [[_("Code"), p.code], [_("Name"), p.name], [_("Type"), label(PROJECT_TYPES, p.type)],
                        [_("Status"), label(STATUSES, p.status)], [_("Start"), _when(p.start_at)],
                        [_("End"), _when(p.end_at)], [_("City"), p.city or ""], [_("Venue"), p.venue or ""],
                        [_("Progress"), f"{report.progress.percent}%"],
                        [_("Tasks done"), f"{report.progress.done} / {report.progress.tasks}"]]),
        (_("Milestones"), [[m.title, _when(m.due_at), _("Done") if m.done_at else ""]
                           for m in report.milestones]),
        (_("Upcoming steps"), [[t.title, _when(t.due_at), label(TASK_STATUSES, t.status)]
                               for t in report.upcoming]),
        (_("Shared documents"), [[d.filename, f"{d.size // 1024 + 1} KB"] for d in report.documents]),
    ]
    if report.for_client:
        return sections
    sections[0][1].append([_("Overdue tasks"), str(report.progress.overdue)])
    sections += [
        (_("Tasks"), [[t.title, t.department.name if t.department else "", t.assignee.name if t.assignee else "",
                       label(TASK_STATUSES, t.status), f"{t.progress}%", _when(t.due_at)] for t in report.tasks]),
        (_("Order lines"), [[line.service, str(line.quantity), str(line.unit_price), str(line.amount)]
                            for line in report.order_lines]
         + [[_("Total"), "", "", str(report.order_total)]]),
        (_("Internal notes"), [[report.internal_notes or ""]]),
    ]
    return sections


def pdf(session, report: Report) -> bytes:
    font = font_name(session)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            title=f"{report.project.code} {report.project.name}")
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=20)
    story = [Paragraph(report.company or "", body),
             Paragraph(_("Progress report: %(name)s", name=report.project.name), title),
             Paragraph(_("Generated %(when)s", when=_when(report.generated_at)), body), Spacer(1, 4 * mm)]
    for section, rows in _rows(report):
        story.append(Paragraph(section, heading))
        if not rows:
            story.append(Paragraph("—", body))
            continue
        table = Table([[Paragraph(str(cell), body) for cell in row] for row in rows], hAlign="LEFT")
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    doc.build(story)
    return buffer.getvalue()


def xlsx(session, report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = report.project.code
    sheet.append([_("Progress report: %(name)s", name=report.project.name)])
    sheet["A1"].font = Font(bold=True, size=14)
    for section, rows in _rows(report):
        sheet.append([])
        sheet.append([section])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    sheet.column_dimensions["A"].width = 36
    for col in "BCDEF":
        sheet.column_dimensions[col].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
