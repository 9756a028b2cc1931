"""Dashboards, the metric registry page, reports, exports and the public figures page.

Every page starts from the reader's visible projects (core.access); an area or event outside the
reader's scope is not found (404); a signed-in user without any role is refused (403).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from investledger.core import access, clock
from investledger.core.views import ordered
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.filtersets import ProjectFilterSet
from investledger.ledger.projects.models import Project
from investledger.reporting import dashboard as dashboard_builder
from investledger.reporting import exports, ledger_sheet, metrics, reports, selectors
from investledger.reporting.cohort import Cohort, CohortForm
from investledger.reporting.models import PublishedFigure


def _require_role(user) -> None:
    if not access.can(user, access.Action.VIEW):
        raise PermissionDenied


def _cohort_form(request) -> CohortForm:
    form = CohortForm(request.GET or None)
    form.fields["area"].queryset = selectors.areas_in_scope(request.user)
    return form


def _lang(request) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "en"
    return "zh-hans" if lang.lower().startswith("zh") else "en"


@login_required
@require_GET
def dashboard(request):
    """City view (the reader's whole scope) or area view (?area=), with the cohort and as-of in the query."""
    _require_role(request.user)
    form = _cohort_form(request)
    if request.GET and not form.is_valid():
        area_error = form.errors.get("area")
        if area_error and request.GET.get("area"):
            # An area outside the reader's scope is not found, like any other object.
            if not form.errors.keys() - {"area"}:
                raise Http404
        return render(request, "reporting/dashboard.html", {"form": form, "board": None}, status=400)
    cohort = form.cohort() if form.is_bound else Cohort()
    as_of = form.as_of_date() if form.is_bound else clock.today()
    board = dashboard_builder.build(request.user, cohort, as_of)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "board": board,
            "kpis": list(board.kpis.values()),
            "specs": board.specs,
            "api_url": reverse("metrics-list") + ("?" + request.GET.urlencode() if request.GET else ""),
        },
    )


@login_required
@require_GET
def metric_list(request):
    """The registry, readable by the bureau: each figure's definition in English and Chinese, with its value."""
    _require_role(request.user)
    form = _cohort_form(request)
    valid = form.is_valid() if form.is_bound else True
    cohort = form.cohort() if form.is_bound and valid else Cohort()
    as_of = form.as_of_date() if form.is_bound and valid else clock.today()
    results = metrics.compute_all(request.user, cohort, as_of)
    entries = [
        {
            "metric": m,
            "label": metrics.label(m),
            "names": m.names(),
            "definitions": m.definitions(),
            "result": results[m.key],
        }
        for m in metrics.METRICS
    ]
    return render(
        request,
        "reporting/metric_list.html",
        {"entries": entries, "form": form, "cohort": cohort.describe(), "as_of": as_of},
        status=200 if valid else 400,
    )


def _as_of(request) -> dt.date:
    raw = request.GET.get("as_of")
    if not raw:
        return clock.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def event_report(request, pk: int):
    """A signing event as announced, as counted by the ledger, and followed up since."""
    _require_role(request.user)
    event = get_object_or_404(SigningEvent.objects.visible_to(request.user), pk=pk)
    try:
        as_of = dt.date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else clock.today()
    except ValueError:
        return HttpResponseBadRequest(_("as_of: give a date as YYYY-MM-DD."))
    report = reports.event_report(request.user, event, as_of)
    return render(
        request,
        "reporting/event_report.html",
        {
            "report": report,
            "figures": report.figures,
            "ledger_link": selectors.ledger_url(Cohort(event=event)),
        },
    )


def _period(request) -> dt.date | None:
    raw = request.GET.get("period")
    if not raw:
        return clock.today().replace(day=1)
    try:
        return dt.date.fromisoformat(f"{raw}-01" if len(raw) == 7 else raw).replace(day=1)
    except ValueError:
        return None


@login_required
@require_GET
def monthly_report(request):
    """The monthly supervision report (通报): ?period=YYYY-MM, ?format=pdf|xlsx, ?lang=en|zh-hans, ?area=."""
    _require_role(request.user)
    period = _period(request)
    if period is None:
        return HttpResponseBadRequest(_("period: give a month as YYYY-MM."))
    area = None
    if request.GET.get("area"):
        area = get_object_or_404(selectors.areas_in_scope(request.user), pk=request.GET["area"])
    fmt = request.GET.get("format", "html")
    lang = _lang(request)
    with translation.override(lang):
        report = reports.monthly_report(request.user, period, area)
        name = f"supervision-report-{report.period:%Y-%m}-{lang}"
        if fmt == "pdf":
            response = HttpResponse(reports.render_pdf(report, lang), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        if fmt == "xlsx":
            response = HttpResponse(
                reports.render_xlsx(report, lang),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        if fmt != "html":
            return HttpResponseBadRequest(_("format: choose html, pdf or xlsx."))
        return render(
            request,
            "reporting/monthly_report.html",
            {"report": report, "sections": reports.sections(report), "lang": lang, "area": area},
        )


# --- Exports -------------------------------------------------------------------------------------


def _filtered(request):
    _require_role(request.user)
    filterset = ProjectFilterSet(request.GET, queryset=Project.objects.visible_to(request.user))
    if not filterset.is_valid():
        return None, filterset
    return filterset.qs, filterset


def _bad_filters(filterset) -> JsonResponse:
    return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)


@login_required
@require_GET
def export_csv(request):
    qs, filterset = _filtered(request)
    if qs is None:
        return _bad_filters(filterset)
    response = StreamingHttpResponse(exports.csv_stream(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="projects-{clock.today():%Y%m%d}.csv"'
    return response


@login_required
@require_GET
def export_xlsx(request):
    qs, filterset = _filtered(request)
    if qs is None:
        return _bad_filters(filterset)
    return FileResponse(
        exports.xlsx_file(qs),
        as_attachment=True,
        filename=f"projects-{clock.today():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_GET
def export_oc4ids(request):
    qs, filterset = _filtered(request)
    if qs is None:
        return _bad_filters(filterset)
    if not qs.exists():
        # A package must hold at least one project (OC4IDS): say so rather than publish an invalid one.
        return JsonResponse({"detail": _("No project matches these filters.")}, status=404)
    stream = exports.oc4ids_stream(
        qs,
        uri=request.build_absolute_uri(),
        extension_uri=request.build_absolute_uri(reverse("reporting:oc4ids_extension")),
        publisher=_("Investment promotion bureau"),
    )
    response = StreamingHttpResponse(stream, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="oc4ids-{clock.today():%Y%m%d}.json"'
    return response


@require_GET
def oc4ids_extension(request, name: str = "extension.json"):
    """The OC4IDS extension describing the ledger's additional fields (public, like the standard)."""
    if name == "extension.json":
        return JsonResponse(exports.extension_document(), json_dumps_params={"ensure_ascii": False})
    if name == "project-schema.json":
        return JsonResponse(exports.extension_schema(), json_dumps_params={"ensure_ascii": False})
    raise Http404


# --- The printable ledger (台账) ------------------------------------------------------------------


def filters_in_words(filterset) -> str:
    """The filters chosen on the ledger page, as readers say them ("Host area: 北区; Stage: Signed")."""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if name == "ordering" or value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", None) or [])
        if isinstance(value, list | tuple):
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif hasattr(value, "pk"):
            shown = getattr(value, "label", None) or str(value)
        else:
            shown = str(choices.get(value, value))
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts) if parts else _("All projects in your scope")


@login_required
@require_GET
def ledger_print(request, fmt: str):
    """The ledger page's projects (same filters, same order) in the bureau's layout: ?lang=en|zh-hans."""
    qs, filterset = _filtered(request)
    if qs is None:
        return _bad_filters(filterset)
    lang = _lang(request)
    with translation.override(lang):
        sheet = ledger_sheet.ledger_sheet(request.user, ordered(qs), filters=filters_in_words(filterset))
        name = f"ledger-{clock.today():%Y%m%d}-{lang}.{fmt}"
        if fmt == "pdf":
            response = HttpResponse(ledger_sheet.render_pdf(sheet, lang), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return FileResponse(
            ledger_sheet.render_xlsx(sheet, lang),
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


# --- Public figures --------------------------------------------------------------------------------


@require_GET
def public(request):
    """Aggregates the bureau chose to publish. No sign-in; never a project's name or amount."""
    shown = []
    for figure in PublishedFigure.objects.filter(published=True).select_related("area", "sector", "event"):
        as_of = figure.as_of or clock.today()
        cohort = figure.cohort()
        base = Project.objects.all()
        result = metrics.compute_all(None, cohort, as_of, keys=[figure.metric], base=base)[figure.metric]
        size = metrics.compute_all(None, cohort, as_of, keys=["signed_count"], base=base)["signed_count"].value
        withheld = size < PublishedFigure.PUBLIC_MINIMUM
        shown.append({"figure": figure, "result": result, "withheld": withheld, "size": size})
    return render(request, "reporting/public.html", {"shown": shown, "minimum": PublishedFigure.PUBLIC_MINIMUM})
