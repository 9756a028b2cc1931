"""Progress report pages: one project's report (from its page) and all of an officer's projects for a period.

Every row stands alone: a row that is refused is marked with its project and field and keeps what
was typed, while the other rows are filed. Amounts are typed and shown in 万元 (10k CNY), converted
exactly with Decimal; a stored amount with more decimals than the field keeps is shown rounded and
kept as stored unless the reporter changes it. Two reporters saving the same report meet the
version check: the second is told what the first saved and decides.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from investledger.core import access, clock
from investledger.core.access import Action
from investledger.core.forms import add_validation_error
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area
from investledger.supervision import periods, selectors, services
from investledger.supervision.forms import ReportRowForm, from_wan, to_wan
from investledger.supervision.models import ProgressReport

# Service field names that the form names differently (the form types amounts in 万元).
FORM_FIELD = {"funds_in_place_cny": "funds_in_place", "investment_completed_cny": "investment_completed"}
MAX_ROWS = 5000  # rows read from one posted batch page


@dataclasses.dataclass
class Row:
    project: Project
    form: ReportRowForm
    report: ProgressReport | None
    warning: bool = False  # funds above investment completed: the confirmation box is shown
    saved: bool = False


@dataclasses.dataclass
class Period:
    start: object
    length: int
    due: object
    label: str

    @classmethod
    def parse(cls, text: str | None, *, rule_set, today) -> Period:
        """The period of a URL ("2024-05"), or the one officers fill in now; 404 for anything else."""
        length, grace = rule_set.param("report_period_months"), rule_set.param("report_grace_days")
        if not text:
            start = selectors.default_report_period(length, today)
        else:
            try:
                start = periods.parse_period(text)
            except ValueError as exc:
                raise Http404(_("No such period.")) from exc
            if start != periods.period_start(start, length) or start > today:
                raise Http404(_("No such period."))
        return cls(start, length, periods.period_due(start, length, grace), periods.period_label(start, length))

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m}"

    def previous(self):
        return periods.add_months(self.start, -self.length)

    def next(self, today):
        following = periods.add_months(self.start, self.length)
        return following if following <= today else None


def initial_of(project: Project, report: ProgressReport | None) -> dict:
    """What a row shows: the stored report in 万元, rounded to the decimals the field keeps."""
    return {
        "project": project.pk,
        "version": report.version if report else 0,
        "funds_in_place": to_wan(report.funds_in_place_cny) if report else None,
        "investment_completed": to_wan(report.investment_completed_cny) if report else None,
        "jobs_created": report.jobs_created if report else None,
        "narrative": report.narrative if report else "",
        "problems": report.problems if report else "",
        "confirm_funds_excess": report.funds_excess_confirmed if report else False,
    }


def file_row(row: Row, *, period: Period, by) -> bool:
    """File one row's report. A refusal is written on the row's form; True when the report is on record."""
    form = row.form
    data = form.cleaned_data
    stored = row.report
    try:
        row.report = services.report_submit(
            project=row.project,
            period=period.start,
            funds_in_place_cny=from_wan(data["funds_in_place"], stored.funds_in_place_cny if stored else None),
            investment_completed_cny=from_wan(
                data["investment_completed"], stored.investment_completed_cny if stored else None
            ),
            jobs_created=data["jobs_created"] or 0,
            narrative=data["narrative"],
            problems=data["problems"],
            confirm_funds_excess=data["confirm_funds_excess"],
            expected_version=data["version"] or 0,
            by=by,
        )
    except services.FundsAboveInvestment as exc:
        row.warning = True
        add_validation_error(form, exc, rename=FORM_FIELD)
    except services.EditConflict:
        current = ProgressReport.objects.filter(project=row.project, period=period.start).first()
        if current is not None:
            # The next save is a deliberate replacement of what the reporter has now been shown.
            form.data[form.add_prefix("version")] = str(current.version)
            form.add_error(
                None,
                _(
                    "Someone else saved this report after you opened the page: funds in place %(funds)s, "
                    "investment completed %(invested)s (10k CNY). Your figures are kept here: save again to "
                    "replace theirs."
                )
                % {
                    "funds": to_wan(current.funds_in_place_cny),
                    "invested": to_wan(current.investment_completed_cny),
                },
            )
        else:
            form.data[form.add_prefix("version")] = "0"
            form.add_error(None, _("This report was removed after you opened the page. Save again to file it."))
    except ValidationError as exc:
        add_validation_error(form, exc, rename=FORM_FIELD)
    else:
        return True
    return False


def failure_lines(row: Row) -> list[str]:
    """'Funds in place (10k CNY): Type at most 2 decimals…' for each refused field of a row."""
    lines = []
    for name, errors in row.form.errors.items():
        label = row.form.fields[name].label if name in row.form.fields else ""
        lines += [f"{label}: {e}" if label else str(e) for e in errors]
    return lines


# --- One project's report ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's report for one period: a form for those who report on it, the figures for other readers."""
    user = request.user
    project = get_object_or_404(
        Project.objects.visible_to(user, Action.VIEW).select_related("host_area", "investor"), pk=pk
    )
    can_report = selectors.reportable_projects(user).filter(pk=pk).exists()
    if request.method == "POST" and not can_report:
        raise PermissionDenied(_("You do not report progress on this project."))
    today = clock.today()
    period = Period.parse(request.GET.get("period"), rule_set=services.current_rule_set(), today=today)
    report = ProgressReport.objects.filter(project=project, period=period.start).first()
    status = 200
    if request.method == "POST":
        row = Row(project, ReportRowForm(request.POST.copy(), initial=initial_of(project, report)), report)
        form = row.form
        if form.is_valid():
            if form.cleaned_data["project"] != project.pk:
                raise PermissionDenied(_("This form belongs to another project."))
            if form.is_blank():
                form.add_error(None, _("Type the figures of this period: nothing was saved."))
            elif not form.has_changed():
                messages.info(request, _("Nothing was changed."))
                return redirect("projects:project_detail", pk=project.pk)
            elif file_row(row, period=period, by=user):
                messages.success(
                    request,
                    _("Progress report for %(period)s saved.") % {"period": period.label},
                )
                return redirect("projects:project_detail", pk=project.pk)
        status = 400
        messages.error(request, _("The report was not saved: correct the fields marked below."))
    else:
        row = Row(project, ReportRowForm(initial=initial_of(project, report)), report)
    row.warning = row.warning or bool(report and report.funds_excess_confirmed)
    recent = list(ProgressReport.objects.filter(project=project).order_by("-period")[:6])
    earlier = next((r for r in recent if r.period < period.start), None)
    context = {
        "project": project,
        "can_report": can_report,
        "row": row,
        "period": period,
        "previous": period.previous(),
        "next": period.next(today),
        "recent": recent,
        "earlier": earlier,
        "today": today,
        "late": report.is_late if report else today > period.due,
        "tolerance": services.current_rule_set().param("funds_tolerance_percent"),
    }
    return render(request, "supervision/project_report.html", context, status=status)


# --- All of an officer's projects for one period -------------------------------------------------


def _filters(request, user) -> dict:
    areas = Area.objects.filter(access.area_q(user, Action.REPORT)).order_by("path")
    area = None
    chosen = request.GET.get("area", "")
    if chosen:
        area = areas.filter(pk=chosen).first() if chosen.isdigit() else None
        if area is None:
            raise Http404(_("No such area."))
    return {"areas": areas, "area": area, "missing": request.GET.get("missing") == "1"}


def _listed(user, filters: dict, period: Period):
    projects = selectors.reportable_projects(user).select_related("host_area")
    if filters["area"] is not None:
        projects = projects.filter(host_area__path__startswith=filters["area"].path)
    if filters["missing"]:
        projects = projects.exclude(progress_reports__period=period.start)
    return list(projects.order_by("host_area__path", "reference"))


def _reports_of(projects, period: Period) -> dict:
    return {r.project_id: r for r in ProgressReport.objects.filter(project__in=projects, period=period.start)}


def _posted_rows(request, user, period: Period) -> tuple[list[Row], list[int]]:
    """The posted rows, each matched to its project by the id it carries (not by its position)."""
    data = request.POST.copy()
    try:
        total = min(int(data.get("form-TOTAL_FORMS", 0)), MAX_ROWS)
    except ValueError:
        total = 0
    ids = {}
    for i in range(total):
        value = data.get(f"form-{i}-project", "")
        if value.isdigit():
            ids[i] = int(value)
    projects = {
        p.pk: p for p in selectors.reportable_projects(user).select_related("host_area").filter(pk__in=ids.values())
    }
    reports = _reports_of(list(projects.values()), period)
    rows, refused = [], []
    for i, pk in ids.items():
        project = projects.get(pk)
        if project is None:
            refused.append(i + 1)
            continue
        report = reports.get(pk)
        rows.append(Row(project, ReportRowForm(data, prefix=f"form-{i}", initial=initial_of(project, report)), report))
    return rows, refused


@login_required
@require_http_methods(["GET", "POST"])
def report_batch(request: HttpRequest, period: str | None = None) -> HttpResponse:
    """All of an officer's projects for one period on one page; only rows typed in are filed."""
    user = request.user
    if not access.can(user, Action.REPORT):
        raise PermissionDenied(_("You do not report progress."))
    today = clock.today()
    rule_set = services.current_rule_set()
    if period is None:
        start = Period.parse(None, rule_set=rule_set, today=today)
        url = reverse("supervision:report_batch_period", args=[start.slug])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    current = Period.parse(period, rule_set=rule_set, today=today)
    filters = _filters(request, user)
    status = 200
    if request.method == "POST":
        rows, refused = _posted_rows(request, user, current)
        saved, failed = 0, []
        for row in rows:
            form = row.form
            if not form.is_valid():
                failed.append(row)
            elif form.has_changed() and not form.is_blank():
                if file_row(row, period=current, by=user):
                    saved += 1
                    row.saved = True
                else:
                    failed.append(row)
        if saved:
            messages.success(
                request, ngettext("%(count)s report saved.", "%(count)s reports saved.", saved) % {"count": saved}
            )
        if not failed and not refused:
            if not saved:
                messages.info(request, _("Nothing was changed: type figures into a row to file its report."))
            return redirect(request.get_full_path())
        for row in rows:
            if row.saved:  # show what is on record now, with its new version
                row.form = ReportRowForm(prefix=row.form.prefix, initial=initial_of(row.project, row.report))
        status = 400
    else:
        projects = _listed(user, filters, current)
        reports = _reports_of(projects, current)
        rows = [
            Row(p, ReportRowForm(prefix=f"form-{i}", initial=initial_of(p, reports.get(p.pk))), reports.get(p.pk))
            for i, p in enumerate(projects)
        ]
        failed, refused = [], []
    for row in rows:
        row.warning = row.warning or bool(row.report and row.report.funds_excess_confirmed)
    context = {
        "rows": rows,
        "failed": [{"row": row, "lines": failure_lines(row)} for row in failed],
        "refused": refused,
        "saved_any": any(row.saved for row in rows),
        "period": current,
        "previous": current.previous(),
        "next": current.next(today),
        "today": today,
        "tolerance": rule_set.param("funds_tolerance_percent"),
        "query": _query(filters),
        **filters,
    }
    return render(request, "supervision/report_batch.html", context, status=status)


def _query(filters: dict) -> str:
    """The filters as a query string for the period links ("?area=3&missing=1", or "")."""
    params = {}
    if filters["area"] is not None:
        params["area"] = filters["area"].pk
    if filters["missing"]:
        params["missing"] = 1
    return f"?{urlencode(params)}" if params else ""
