"""Progress sheets (进度填报表): districts' monthly figures per project, checked and filed in one go.

Each row names a project (reference, or its exact name), the period, cumulative funds in place
(到位资金), investment completed (完成投资), jobs created, progress and problems. Rows are checked
against the ledger and the uploader's scope; the commit files every row through
`supervision.services.report_submit`, the service behind the progress page and the API, so the same
rules hold (a period not yet started is refused; funds in place above investment completed beyond
the rule set's tolerance must be confirmed by the user).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from investledger.core import clock
from investledger.core.access import Action
from investledger.core.money import WAN
from investledger.intake import preview
from investledger.intake.errors import ImportRefused
from investledger.intake.fields import PROGRESS_COLUMNS, Kind
from investledger.intake.kinds import ImportKind, ParsedRow, columns_for, raw_of
from investledger.intake.kinds.cells import RowCells
from investledger.intake.models import ImportBatch, ImportRow
from investledger.intake.values import (
    MULTILINE_FIELDS,
    CellError,
    normalise_key,
    parse_amount,
    parse_date,
    parse_int,
    text_of,
    unit_from_header,
)
from investledger.ledger.projects.models import Project
from investledger.supervision import periods
from investledger.supervision import services as supervision
from investledger.supervision.models import ProgressReport

_MONTH = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_period(value) -> dt.date | None:
    """The month a cell names: 2024-05, 2024/5, 2024年5月, 202405, or any date in that month."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 190001 <= value <= 299912:
        value = str(int(value))
    if isinstance(value, str):
        text = value.strip()
        for pattern in _MONTH:
            match = pattern.match(text)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if not 1 <= month <= 12:
                    raise CellError(_("%(text)s is not a valid month") % {"text": text})
                return dt.date(year, month, 1)
    try:
        day = parse_date(value)
    except CellError:
        raise CellError(_("not a period (write 2024-05 or 2024年5月)")) from None
    return day.replace(day=1) if day else None


def _decimal(text):
    return None if text in (None, "") else Decimal(text)


class ProgressChecker:
    """Parses and checks the rows of one progress sheet; holds the uploader's projects and the rules."""

    def __init__(self, batch: ImportBatch, user):
        self.batch = batch
        self.user = user
        self.columns = {c.name: c for c in columns_for(batch.kind)}
        self.by_field = {name: int(index) for index, name in batch.mapping.items()}
        self.header_of = {name: batch.headers[index] or self.columns[name].zh for name, index in self.by_field.items()}
        self.units = {}
        for name in ("funds_in_place", "investment_completed"):
            unit = unit_from_header(self.header_of.get(name, ""))
            self.units[name] = unit if unit.multiplier is not None else dataclasses.replace(unit, multiplier=WAN)
        self.formulas: dict[tuple[int, int], str] = {}
        rule_set = supervision.current_rule_set()
        self.length = rule_set.param("report_period_months")
        self.tolerance = rule_set.param("funds_tolerance_percent")
        self.today = clock.today()
        self.reportable = Project.objects.visible_to(user, Action.REPORT)
        self.seen: dict[tuple[int, str], int] = {}

    def column_label(self, name: str) -> str:
        if name in self.header_of:
            return self.header_of[name]
        column = self.columns.get(name)
        return column.zh if column else name

    def parse(self, number: int, cells: list) -> ParsedRow | None:
        if not any(text_of(v) for v in cells):
            return None
        row = ParsedRow(number, raw_of(self.batch.headers, cells))
        v = row.values

        cells_of = RowCells(
            number=number,
            cells=cells,
            row=row,
            by_field=self.by_field,
            formulas=self.formulas,
            label=self.column_label,
            multiline=MULTILINE_FIELDS,
        )
        read = cells_of.read

        v["reference"] = read("reference", text_of) or ""
        v["name"] = read("name", text_of) or ""
        if not v["reference"] and not v["name"]:
            row.error(self.column_label("reference"), _("give the project reference or its name"))
        period = read("period", parse_period)
        if period is not None:
            period = periods.period_start(period, self.length)
            if period > self.today:
                row.error(
                    self.column_label("period"),
                    _("%(period)s has not started yet: progress is reported for past or current periods")
                    % {"period": f"{period:%Y-%m}"},
                )
        elif not any(e["column"] == self.column_label("period") for e in row.errors):
            row.error(self.column_label("period"), _("required"))
        v["period"] = period.isoformat() if period else None
        for name in ("funds_in_place", "investment_completed"):
            amount = read(name, parse_amount, self.units[name], "CNY")
            if amount is not None and amount.currency != "CNY":
                row.error(self.column_label(name), _("give this amount in CNY"))
                amount = None
            if amount is None and not any(e["column"] == self.column_label(name) for e in row.errors):
                row.error(self.column_label(name), _("required"))
            v[f"{name}_cny"] = str(amount.value) if amount else None
        v["jobs_created"] = read("jobs_created", parse_int) or 0
        v["narrative"] = read("narrative", text_of) or ""
        v["problems"] = read("problems", text_of) or ""
        return row

    def check_chunk(self, rows: list) -> None:
        """Find each row's project among those the uploader reports on, in two queries per chunk."""
        refs = {r.values["reference"] for r in rows if r.values.get("reference")}
        names = {normalise_key(r.values["name"]) for r in rows if r.values.get("name") and not r.values["reference"]}
        by_ref = {p.reference: p for p in self.reportable.filter(reference__in=refs).only("pk", "reference", "name")}
        # A project the uploader cannot see is answered as unknown, as a page answers it (404): an
        # import must not tell whether a reference exists outside the uploader's scope.
        existing_refs = set(
            Project.objects.visible_to(self.user).filter(reference__in=refs).values_list("reference", flat=True)
        )
        by_name: dict[str, list] = defaultdict(list)
        if names:
            raw_names = {r.values["name"] for r in rows if r.values.get("name") and not r.values["reference"]}
            for p in self.reportable.filter(name__in=raw_names).only("pk", "reference", "name"):
                by_name[normalise_key(p.name)].append(p)
        found = {}
        for row in rows:
            v = row.values
            project = None
            if v.get("reference"):
                project = by_ref.get(v["reference"])
                if project is None:
                    if v["reference"] in existing_refs:
                        row.error(
                            self.column_label("reference"),
                            _("%(ref)s is outside your areas: you may not report on it") % {"ref": v["reference"]},
                        )
                    else:
                        row.error(
                            self.column_label("reference"),
                            _("unknown project reference %(ref)s") % {"ref": v["reference"]},
                        )
            elif v.get("name"):
                matches = by_name.get(normalise_key(v["name"]), [])
                if not matches:
                    row.error(
                        self.column_label("name"),
                        _("no project named %(name)s among the projects you report on; give its reference")
                        % {"name": v["name"]},
                    )
                elif len(matches) > 1:
                    row.error(
                        self.column_label("name"),
                        _("several projects are named %(name)s: give the reference (%(refs)s)")
                        % {"name": v["name"], "refs": ", ".join(p.reference for p in matches)},
                    )
                else:
                    project = matches[0]
            if project is not None:
                v["project_id"] = project.pk
                row.project_id = project.pk
                found[row.number] = project
                if v.get("period"):
                    key = (project.pk, v["period"])
                    if key in self.seen:
                        row.error(
                            self.column_label("period"),
                            _("%(ref)s is already reported for %(period)s in row %(row)s of this file")
                            % {"ref": project.reference, "period": v["period"][:7], "row": self.seen[key]},
                        )
                    else:
                        self.seen[key] = row.number
        periods_by_project = {
            (r.project_id, r.period.isoformat()): r
            for r in ProgressReport.objects.filter(project_id__in={p.pk for p in found.values()})
        }
        for row in rows:
            v = row.values
            if row.errors:
                row.outcome = ImportRow.Outcome.ERROR
                continue
            funds, invested = _decimal(v["funds_in_place_cny"]), _decimal(v["investment_completed_cny"])
            if supervision.funds_excess(funds, invested, self.tolerance):
                v["needs_confirmation"] = True
                row.warn(
                    self.column_label("funds_in_place"),
                    _(
                        "funds in place (%(funds)s) exceed investment completed (%(invested)s) by more than "
                        "%(tolerance)s%%: check the figures, or confirm they are right"
                    )
                    % {
                        "funds": f"{funds / WAN:,.2f} 万元",
                        "invested": f"{invested / WAN:,.2f} 万元",
                        "tolerance": self.tolerance,
                    },
                    confirm="funds_excess",
                )
            earlier = periods_by_project.get((v["project_id"], v["period"]))
            if earlier is None:
                row.outcome = ImportRow.Outcome.REPORT_NEW
            else:
                row.outcome = ImportRow.Outcome.REPORT_CORRECTION
                row.warn(
                    self.column_label("period"),
                    _("a report for %(period)s was filed on %(date)s: this row corrects it")
                    % {"period": v["period"][:7], "date": earlier.submitted_on.isoformat()},
                )


def write(batch: ImportBatch, user, report) -> tuple[int, int, int]:
    """File every checked row through `report_submit`; the caller holds the transaction."""
    allowed = Project.objects.visible_to(user, Action.REPORT)
    written = new = corrected = 0
    total = batch.rows_validated  # a batch with errors is refused before it gets here
    for chunk, rows in preview.chunks(batch):
        for row in rows:
            if row.outcome == ImportRow.Outcome.ERROR:
                continue
            v = row.values
            project = allowed.filter(pk=v["project_id"]).first()
            if project is None:
                raise ImportRefused(_("Row %(row)s: you may not report on this project.") % {"row": row.number})
            try:
                supervision.report_submit(
                    project=project,
                    period=dt.date.fromisoformat(v["period"]),
                    funds_in_place_cny=Decimal(v["funds_in_place_cny"]),
                    investment_completed_cny=Decimal(v["investment_completed_cny"]),
                    jobs_created=v.get("jobs_created") or 0,
                    narrative=v.get("narrative", ""),
                    problems=v.get("problems", ""),
                    confirm_funds_excess=row.resolution == ImportRow.Resolution.CONFIRM,
                    by=user,
                    audit_message=f"import {batch.pk} {batch.file_name} row {row.number}",
                )
            except ValidationError as exc:
                raise ImportRefused(
                    _("Row %(row)s: %(message)s") % {"row": row.number, "message": " ".join(exc.messages)}
                ) from exc
            row.outcome = (
                ImportRow.Outcome.REPORT_CORRECTION
                if row.outcome == ImportRow.Outcome.REPORT_CORRECTION
                else ImportRow.Outcome.REPORT_NEW
            )
            row.project_id = project.pk
            written += 1
            if row.outcome == ImportRow.Outcome.REPORT_NEW:
                new += 1
            else:
                corrected += 1
            if report and written % 200 == 0:
                report({"phase": "committing", "written": written, "total": total})
        preview.save_outcomes(chunk, rows)
    return written, new, corrected


KIND = ImportKind(
    name=Kind.PROGRESS,
    label=gettext_lazy("Progress sheet"),
    columns=PROGRESS_COLUMNS,
    action=Action.REPORT,
    refused=gettext_lazy("You may not report progress."),
    checker=ProgressChecker,
    write=write,
    sheet_title="进度填报 Progress",
    template_file="progress-sheet-template.xlsx",
    new_label=gettext_lazy("new reports"),
    existing_label=gettext_lazy("corrections"),
    commit_button=ngettext_lazy("File %(n)s progress report", "File %(n)s progress reports", "n"),
    committed_text=gettext_lazy("Filed: %(new)s new progress reports, %(existing)s corrected."),
    preview_template="intake/kinds/progress_preview.html",
)
