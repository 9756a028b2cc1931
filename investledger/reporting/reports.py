"""The event report and the monthly supervision report (通报), with their PDF and XLSX renderings.

Both are built as plain data first (so the page, the PDF and the workbook show the same figures),
for a reader's scope, as of a date: a report regenerated later for the same date gives the same
figures, because the frame reads the ledger as it stood then (cohort.py).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from investledger.core import checkpoints, clock
from investledger.core.spreadsheets import xlsx_row
from investledger.core.templatetags.ledger import money, percent
from investledger.ledger.events.selectors import event_totals
from investledger.reporting import metrics, pdf, selectors, sources
from investledger.reporting.cohort import Cohort, frame
from investledger.reporting.dashboard import resolve_root

# --- Event report ------------------------------------------------------------------------------


@dataclass
class EventReport:
    event: object
    as_of: dt.date
    totals: object  # events.selectors.EventTotals (counting-once rule)
    figures: dict  # registry figures over the projects first signed at the event
    count_gap: int | None
    value_gap: Decimal | None
    cohort: str


def event_report(user, event, as_of: dt.date) -> EventReport:
    totals = event_totals(event, user)
    cohort = Cohort(event=event)
    figures = metrics.compute_all(
        user,
        cohort,
        as_of,
        keys=[
            "signed_count",
            "signed_value",
            "large_share_count",
            "emerging_share_value",
            "emerging_share_count",
            "landing_rate",
            "start_rate_signed",
            "start_rate_due",
            "production_rate",
            "funds_in_place_rate",
        ],
    )
    count_gap = totals.count - event.announced_count if event.announced_count is not None else None
    value_gap = totals.value_cny - event.announced_value_cny if event.announced_value_cny is not None else None
    return EventReport(event, as_of, totals, figures, count_gap, value_gap, cohort.describe())


# --- Monthly supervision report (通报) ------------------------------------------------------------


@dataclass
class FlaggedLine:
    project: object
    light: str
    light_label: str
    reasons: list[str]


@dataclass
class MonthlyReport:
    period: dt.date
    as_of: dt.date
    root: object
    cohort: str
    figures: dict
    ranking: list
    flagged: list[FlaggedLine] | None
    overdue: list | None
    generated: dt.datetime = field(default_factory=clock.now)
    checkpoint: object = field(default_factory=checkpoints.report_line)  # the audit trail's length, signed (lazy text)


def period_bounds(period: dt.date) -> tuple[dt.date, dt.date]:
    start = period.replace(day=1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def monthly_report(user, period: dt.date, area=None) -> MonthlyReport:
    """The month's report as of its last day (or today, while the month is running)."""

    start, end = period_bounds(period)
    as_of = min(end, clock.today())
    cohort = Cohort(area=area)
    root, roots = resolve_root(user, cohort)
    children = selectors.child_areas(root, user) if root is not None else roots
    totals = selectors.rollup(user, cohort, as_of)
    projects = frame(user, cohort, as_of)
    flagged_rows = sources.flagged_projects(projects, as_of)
    flagged = None
    if flagged_rows is not None:
        flagged = [
            FlaggedLine(row.project, row.light, str(row.get_light_display()), sources.explain(row))
            for row in flagged_rows
        ]
    overdue = sources.overdue_issues(user, cohort, as_of)
    return MonthlyReport(
        period=start,
        as_of=as_of,
        root=root,
        cohort=cohort.describe(),
        figures=metrics.compute_all(user, cohort, as_of),
        ranking=selectors.ranking(user, cohort, as_of, children, totals),
        flagged=flagged,
        overdue=list(overdue) if overdue is not None else None,
    )


def _title(report: MonthlyReport) -> str:
    return _("Monthly supervision report %(period)s") % {"period": f"{report.period:%Y-%m}"}


def _subtitle(report: MonthlyReport) -> str:
    return _("%(cohort)s · as of %(date)s") % {"cohort": report.cohort, "date": date_format(report.as_of)}


def _figure_rows(report: MonthlyReport) -> list[list[str]]:
    rows = []
    for result in report.figures.values():
        if not result.available:
            shown, detail = _("not available yet"), result.note
        elif result.metric.unit == metrics.CNY:
            shown, detail = money(result.value), ""
        elif result.metric.unit == metrics.RATIO:
            shown = percent(result.value)
            detail = f"{_fmt(result.numerator, result.metric.unit)} / {_fmt(result.denominator, result.metric.unit)}"
        else:
            shown, detail = str(result.value), ""
        rows.append([metrics.label(result.metric), shown, detail])
    return rows


def _fmt(value, unit) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value >= 1000:
        return money(value)
    return str(value)


def _ranking_rows(report: MonthlyReport) -> list[list]:
    return [[line.rank, line.area.label, str(line.score)] for line in report.ranking]


def _flagged_rows(report: MonthlyReport) -> list[list[str]]:
    return [
        [
            line.project.reference,
            line.project.name,
            line.project.host_area.label,
            line.light_label,
            "; ".join(line.reasons),
        ]
        for line in report.flagged or []
    ]


def _overdue_rows(report: MonthlyReport) -> list[list[str]]:
    return [
        [
            issue.reference,
            issue.title,
            issue.project.name,
            str(issue.responsible_unit),
            issue.deadline(issue.step_on(report.as_of)).isoformat(),
            str(issue.get_level_display()),
        ]
        for issue in report.overdue or []
    ]


def sections(report: MonthlyReport) -> list[tuple[str, list[str], list[list], str]]:
    """(title, header, rows, note) for each section, in the active language."""
    missing_lights = _("Not available yet: supervision lights are not recorded in this installation.")
    missing_issues = _("Not available yet: issues are not recorded in this installation.")
    return [
        (
            _("Key figures"),
            [_("Figure"), pgettext("a figure's", "Value"), _("Numerator / denominator")],
            _figure_rows(report),
            "",
        ),
        (_("Ranking of areas"), [_("Rank"), _("Area"), _("Score")], _ranking_rows(report), ""),
        (
            _("Red and yellow projects"),
            [_("Reference"), _("Project"), _("Area"), _("Light"), _("Reasons")],
            _flagged_rows(report),
            missing_lights if report.flagged is None else ("" if report.flagged else _("None.")),
        ),
        (
            _("Overdue issues"),
            [_("Reference"), _("Issue"), _("Project"), _("Responsible unit"), _("Deadline"), _("Level")],
            _overdue_rows(report),
            missing_issues if report.overdue is None else ("" if report.overdue else _("None.")),
        ),
    ]


def render_xlsx(report: MonthlyReport, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(lang):
        wb = Workbook()
        wb.remove(wb.active)
        summary = wb.create_sheet(_("Summary")[:31])
        summary.append(xlsx_row(summary, [_title(report)], font=Font(bold=True, size=14)))
        summary.append(xlsx_row(summary, [_subtitle(report)]))
        summary.append(xlsx_row(summary, [_("Generated"), clock.now().strftime("%Y-%m-%d %H:%M")]))
        summary.append(xlsx_row(summary, [str(report.checkpoint)]))
        for title, header, rows, note in sections(report):
            sheet = summary if title == _("Key figures") else wb.create_sheet(title[:31])
            sheet.append([])
            sheet.append(xlsx_row(sheet, [title], font=Font(bold=True)))
            if note:
                sheet.append(xlsx_row(sheet, [note]))
            if rows:
                sheet.append(xlsx_row(sheet, header, font=Font(bold=True)))
                for row in rows:
                    sheet.append(xlsx_row(sheet, row))
            for column, width in zip("ABCDEF", (28, 36, 30, 24, 60, 16), strict=False):
                sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


# Column shares of the page width, per section (same order as `sections`).
PDF_WIDTHS = (
    (0.34, 0.16, 0.5),
    (0.08, 0.62, 0.3),
    (0.1, 0.28, 0.14, 0.06, 0.42),
    (0.1, 0.3, 0.24, 0.16, 0.1, 0.1),
)
PDF_NUMERIC = ((1,), (0, 2), (), ())


def render_pdf(report: MonthlyReport, lang: str) -> bytes:
    """The report as a compact landscape A4 PDF: each section one dense table, headings repeated."""
    with translation.override(lang):
        styles = pdf.styles(7.5)
        out = io.BytesIO()
        doc = pdf.document(out, title=_title(report), footer=f"{_title(report)} · {_subtitle(report)}")
        story = [pdf.text(_title(report), styles["title"]), pdf.text(_subtitle(report), styles["subtitle"])]
        for (title, header, rows, note), widths, numeric in zip(sections(report), PDF_WIDTHS, PDF_NUMERIC, strict=True):
            story.append(pdf.text(title, styles["heading"], bold=True))
            if note:
                story.append(pdf.text(note, styles["note"]))
            if rows:
                story.append(pdf.table(header, rows, list(widths), styles, numeric=numeric))
            story.append(Spacer(1, 2 * mm))
        story.append(pdf.text(str(report.checkpoint), styles["note"]))  # the audit trail's length, signed
        pdf.build(doc, story)
        return out.getvalue()
