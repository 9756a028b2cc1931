"""The printable ledger (台账): the filtered ledger in the layout bureaus circulate, as XLSX and PDF.

One line per project, numbered (序号): project, investor, signed value, responsible leader, lead
unit, stage, latest progress, open problems, light and the reason for it. The projects are those of
the ledger page with the same filters (ProjectFilterSet over the reader's visible projects), in the
same order. Nothing here computes a figure: the signed value is the registry's frame value
(`cohort.frame`, what `signed_value` sums) and the total line is the registry's `signed_value` and
`signed_count`; the light is `sources.light_subquery`'s; open problems are the issue register's
`open()` issues; the latest progress is the report funds in place are read from.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from investledger.core import clock
from investledger.core.money import BILLION, YI
from investledger.core.spreadsheets import xlsx_cell, xlsx_row
from investledger.core.templatetags.ledger import money
from investledger.reporting import metrics, pdf, sources
from investledger.reporting.cohort import Cohort, frame

# The layout: (key, width in the workbook, share of the PDF's width).
LAYOUT = (
    ("number", 6, 0.03),
    ("project", 30, 0.14),
    ("investor", 24, 0.1),
    ("value", 12, 0.065),
    ("leader", 12, 0.06),
    ("lead_unit", 18, 0.09),
    ("stage", 12, 0.065),
    ("progress", 40, 0.155),
    ("problems", 32, 0.12),
    ("light", 8, 0.045),
    ("reason", 36, 0.13),
)
LIGHT_FILLS = {"red": "F8D7DA", "yellow": "FFF3CD", "green": "D1E7DD"}


def headers() -> list[str]:
    """Column headings in the active language (the unit of the signed value follows the language)."""
    chinese = (translation.get_language() or "en").startswith("zh")
    names = {
        "number": pgettext("ledger line", "No."),
        "project": _("Project"),
        "investor": _("Investor"),
        "value": _("Signed value (100 million CNY)") if chinese else _("Signed value (RMB bn)"),
        "leader": _("Responsible leader"),
        "lead_unit": _("Lead unit"),
        "stage": _("Stage"),
        "progress": _("Latest progress"),
        "problems": _("Open problems"),
        "light": _("Light"),
        "reason": _("Reason for the light"),
    }
    return [names[key] for key, _w, _s in LAYOUT]


@dataclass
class Line:
    number: int
    project: object
    signed_value: Decimal | None  # CNY; None when the project is not signed (under negotiation)
    stage: str
    progress: str
    problems: list[str]
    light: str  # green | yellow | red | ""
    light_label: str
    reasons: list[str]

    def values(self) -> list:
        """The line's cells, in LAYOUT order, in the active language (amounts as numbers)."""
        p = self.project
        return [
            self.number,
            f"{p.name}\n{p.reference}",
            _label(p.investor),
            _in_unit(self.signed_value),
            p.responsible_leader,
            _label(p.lead_unit) if p.lead_unit_id else "",
            self.stage,
            self.progress,
            "\n".join(self.problems),
            self.light_label,
            "\n".join(self.reasons),
        ]


@dataclass
class LedgerSheet:
    lines: list[Line]
    as_of: dt.date
    filters: str  # the filters chosen on the ledger page, in words
    signed_count: metrics.Result
    signed_value: metrics.Result
    generated: dt.datetime


def _label(obj) -> str:
    if obj is None:
        return ""
    return getattr(obj, "label", None) or str(obj)


def _in_unit(value: Decimal | None) -> Decimal | None:
    """CNY in the unit readers use: 亿元 in Chinese, RMB bn in English (a number, rounded to 0.0001)."""
    if value is None:
        return None
    chinese = (translation.get_language() or "en").startswith("zh")
    return (value / (YI if chinese else BILLION)).quantize(Decimal("0.0001"))


def _stage(project) -> str:
    stage = str(project.get_stage_display())
    if project.side_state:
        return _("%(stage)s (%(side_state)s)") % {"stage": stage, "side_state": project.get_side_state_display()}
    return stage


def _progress(report) -> str:
    if report is None:
        return ""
    text = report.narrative.strip() or _("Report filed; no narrative.")
    return f"{report.period:%Y-%m}: {text}"


def _problem(issue) -> str:
    unit = _label(issue.responsible_unit)
    if issue.resolve_by is None:
        return _("%(title)s (%(unit)s)") % {"title": issue.title, "unit": unit}
    return _("%(title)s (%(unit)s, resolve by %(date)s)") % {
        "title": issue.title,
        "unit": unit,
        "date": issue.resolve_by.isoformat(),
    }


def ledger_sheet(user, projects, *, filters: str) -> LedgerSheet:
    """The printable ledger of `projects` (the ledger page's filtered, ordered queryset) for `user`, today."""
    as_of = clock.today()
    projects = projects.select_related("investor", "lead_unit")
    signed = dict(frame(user, Cohort(), as_of, base=projects).values_list("pk", "f_value"))
    figures = metrics.compute_all(user, Cohort(), as_of, keys=["signed_count", "signed_value"], base=projects)
    lights = sources.lights_by_project(projects, as_of) or {}
    issues = sources.open_issues_by_project(projects) or {}
    reports = sources.latest_reports(projects, as_of) or {}
    lines = []
    for number, project in enumerate(projects, start=1):
        light = lights.get(project.pk)
        lines.append(
            Line(
                number=number,
                project=project,
                signed_value=signed.get(project.pk),
                stage=_stage(project),
                progress=_progress(reports.get(project.pk)),
                problems=[_problem(issue) for issue in issues.get(project.pk, [])],
                light=light.light if light else "",
                light_label=str(light.get_light_display()) if light else _("not assessed"),
                reasons=sources.explain(light) if light else [],
            )
        )
    return LedgerSheet(
        lines=lines,
        as_of=as_of,
        filters=filters,
        signed_count=figures["signed_count"],
        signed_value=figures["signed_value"],
        generated=clock.now(),
    )


def title() -> str:
    return _("Ledger of signed investment projects")


def subtitle(sheet: LedgerSheet) -> str:
    return _("%(filters)s · as of %(date)s · %(count)s projects listed") % {
        "filters": sheet.filters,
        "date": date_format(sheet.as_of),
        "count": len(sheet.lines),
    }


def total_line(sheet: LedgerSheet) -> str:
    """The listed projects' count and signed value, the value written as the ledger page writes it."""
    return _("Signed: %(count)s projects, %(value)s (the registry's signed count and signed value).") % {
        "count": sheet.signed_count.value,
        "value": money(sheet.signed_value.value or Decimal(0)),
    }


# --- XLSX ----------------------------------------------------------------------------------------

THIN = Side(style="thin", color="9AA0A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def render_xlsx(sheet: LedgerSheet, lang: str):
    """The printable ledger as a workbook (a file object): landscape, fitting the page width, headings repeated."""
    with translation.override(lang):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("Ledger")[:31])
        for index, (_key, width, _share) in enumerate(LAYOUT, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "4:4"
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.freeze_panes = "C5"
        ws.append([xlsx_cell(ws, title(), font=Font(bold=True, size=14))])
        ws.append([xlsx_cell(ws, subtitle(sheet))])
        ws.append([xlsx_cell(ws, total_line(sheet))])
        heading = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="E9ECEF"), "border": BORDER}
        ws.append(xlsx_row(ws, headers(), alignment=WRAP, **heading))
        value_column = [key for key, _w, _s in LAYOUT].index("value")
        for line in sheet.lines:
            cells = xlsx_row(ws, line.values(), alignment=WRAP, border=BORDER)
            cells[value_column].number_format = "#,##0.00##"
            if line.light in LIGHT_FILLS:
                cells[-2].fill = PatternFill("solid", fgColor=LIGHT_FILLS[line.light])
            ws.append(cells)
        out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
        wb.save(out)
        out.seek(0)
        return out


# --- PDF -----------------------------------------------------------------------------------------


def render_pdf(sheet: LedgerSheet, lang: str) -> bytes:
    """The printable ledger as a landscape A4 PDF: one compact table, headings repeated on each page."""
    with translation.override(lang):
        styles = pdf.styles(7)
        out = io.BytesIO()
        doc = pdf.document(out, title=title(), footer=f"{title()} · {date_format(sheet.as_of)}")
        value_column = [key for key, _w, _s in LAYOUT].index("value")
        rows = []
        for line in sheet.lines:
            values = line.values()
            amount = values[value_column]
            values[value_column] = (
                "" if amount is None else number_format(amount, 2, use_l10n=True, force_grouping=True)
            )
            rows.append(values)
        light_column = [key for key, _w, _s in LAYOUT].index("light")
        colours = {
            (i, light_column): pdf.LIGHT_COLOURS[line.light]
            for i, line in enumerate(sheet.lines)
            if line.light in pdf.LIGHT_COLOURS
        }
        story = [
            pdf.text(title(), styles["title"]),
            pdf.text(subtitle(sheet), styles["subtitle"]),
            pdf.text(total_line(sheet), styles["subtitle"]),
            Spacer(1, 3 * mm),
        ]
        if rows:
            widths = [share for _k, _w, share in LAYOUT]
            story.append(pdf.table(headers(), rows, widths, styles, numeric=(0, value_column), colours=colours))
        else:
            story.append(pdf.text(_("No project matches these filters."), styles["note"]))
        pdf.build(doc, story)
        return out.getvalue()
