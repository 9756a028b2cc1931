"""Pages of the import: upload and past batches, the column mapping, the preview, the commit, the export.

Reads start from `ImportBatch.objects.visible_to(request.user)` (a batch belongs to its uploader's
area); every change goes through `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investledger.core import access, clock
from investledger.core.access import Action
from investledger.core.audit import audit_context
from investledger.core.views import get_visible_or_404, paginate, require
from investledger.intake import kinds, preview, progress, services, stale
from investledger.intake.excel import ledger_workbook, progress_workbook, template_workbook
from investledger.intake.fields import Kind
from investledger.intake.forms import MappingForm, UploadForm
from investledger.intake.kinds import columns_for
from investledger.intake.kinds.progress import parse_period
from investledger.intake.models import ImportBatch, ImportRow, PressRelease
from investledger.intake.parsing import SheetError
from investledger.ledger.projects.filtersets import ProjectFilterSet
from investledger.ledger.projects.models import Project
from investledger.supervision.models import ProgressReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """Past imports the user may see, and the upload form."""
    require(request.user, Action.VIEW)
    can_upload = access.can_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        require(request.user, services.upload_action(request.POST.get("kind", Kind.SIGNINGS)))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.batch_store(
                    user=request.user,
                    uploaded=upload,
                    file_name=upload.name,
                    kind=form.cleaned_data["kind"],
                    source=form.cleaned_data["source"].strip(),
                    event=form.cleaned_data["event"],
                )
            except SheetError as exc:
                form.add_error("file", str(exc))
            else:
                # The file is read by the worker; its page shows progress until the mapping can be confirmed.
                batch = services.batch_start_reading(batch)
                if batch.status == ImportBatch.Status.MAPPING:
                    return redirect("intake:batch_mapping", pk=batch.pk)
                return redirect("intake:batch_detail", pk=batch.pk)
    batches = ImportBatch.objects.visible_to(request.user).select_related("uploaded_by", "event")
    sources = (
        ImportBatch.objects.visible_to(request.user).exclude(source="").values_list("source", flat=True).distinct()
    )
    return render(
        request,
        "intake/importbatch_list.html",
        {
            "form": form,
            "can_upload": can_upload,
            "page": paginate(request, batches, 25),
            "sources": sorted(set(sources))[:50],
            "kinds": kinds.choices(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def template_download(request, kind: str):
    require(request.user, Action.VIEW)
    if kind not in kinds.KINDS:
        raise Http404
    name = kinds.get(kind).template_file
    return FileResponse(template_workbook(kind), as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_GET
def export_progress(request):
    """Progress reports the user may see, as .xlsx in the progress template's layout (optionally one period)."""
    require(request.user, Action.VIEW)
    reports = (
        ProgressReport.objects.visible_to(request.user)
        .select_related("project")
        .order_by("project__reference", "period")
    )
    period = request.GET.get("period", "")
    if period:
        try:
            reports = reports.filter(period=parse_period(period))
        except ValueError:
            reports = reports.none()
    data = progress_workbook(reports.iterator(chunk_size=2000), reports.count())
    name = f"progress-{timezone.localdate(clock.now()):%Y%m%d}.xlsx"
    return FileResponse(data, as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_GET
def export_ledger(request):
    """The filtered ledger (same filters as the ledger page) as .xlsx in the signing template's layout."""
    require(request.user, Action.VIEW)
    queryset = Project.objects.visible_to(request.user).select_related("investor", "host_area", "sector", "first_event")
    # Always bound, also to no filters at all: an unbound FilterSet is never valid, and the
    # unfiltered export (the whole visible ledger) then came out empty.
    filterset = ProjectFilterSet(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    projects = filterset.qs
    count = projects.count()
    data = ledger_workbook(projects.iterator(chunk_size=2000), count)
    name = f"ledger-{timezone.localdate(clock.now()):%Y%m%d}.xlsx"
    return FileResponse(data, as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def batch_mapping(request, pk: int):
    """Confirm or fix which column holds which field; then the rows are checked."""
    batch = get_visible_or_404(ImportBatch.objects, request.user, pk)
    if not batch.headers:  # the file is being read (or could not be): its page says how it goes
        return redirect("intake:batch_detail", pk=batch.pk)
    editable = batch.status in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED, ImportBatch.Status.FAILED)
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST":
        batch = _batch_to_act_on(request, pk)
        if not editable:
            messages.error(request, _("This import can no longer be changed."))
            return redirect("intake:batch_detail", pk=batch.pk)
        if form.is_valid():
            try:
                services.batch_confirm_mapping(
                    batch=batch, mapping=form.mapping(), user=request.user, remember=form.cleaned_data["remember"]
                )
            except services.ImportRefused as exc:
                form.add_error(None, str(exc))
            else:
                services.batch_start_validation(batch)
                return redirect("intake:batch_detail", pk=batch.pk)
    columns = []
    for index, header in enumerate(batch.headers):
        suggestion = batch.suggested.get(str(index))
        columns.append(
            {
                "field": form[f"col_{index}"],
                "header": header,
                "samples": [row[index] if index < len(row) else "" for row in batch.samples],
                "score": suggestion["score"] if suggestion else None,
                "sure": bool(suggestion and suggestion["score"] >= 90),
            }
        )
    return render(
        request,
        "intake/importbatch_mapping.html",
        {
            "batch": batch,
            "form": form,
            "columns": columns,
            "editable": editable,
            "required": [c for c in columns_for(batch.kind) if c.required],
        },
        status=400 if request.method == "POST" else 200,
    )


def _batch_to_act_on(request, pk: int) -> ImportBatch:
    """A batch the user may change: visible to them for the action its kind needs (404 otherwise)."""
    batch = get_visible_or_404(ImportBatch.objects, request.user, pk)
    return get_visible_or_404(ImportBatch.objects, request.user, pk, services.upload_action(batch.kind))


def _progress_context(batch: ImportBatch) -> dict:
    live = progress.read(batch.pk) if batch.is_running else {}
    checked = live.get("validated", batch.rows_validated)
    if batch.status == ImportBatch.Status.COMMITTING:
        done, total = live.get("written", batch.rows_written), live.get("total") or batch.rows_validated
    else:
        done, total = live.get("read", batch.rows_read), batch.rows_total
    total = max(total or 0, 1)
    return {
        "batch": batch,
        "done": min(done, total),
        "total": total,
        "checked": min(checked, total),
        "percent": min(100, round(100 * done / total)),
    }


@login_required
@require_GET
def batch_detail(request, pk: int):
    """The preview: counts, every error and warning by row and column, the decisions, the rows."""
    batch = get_visible_or_404(ImportBatch.objects.select_related("uploaded_by", "event"), request.user, pk)
    if batch.status == ImportBatch.Status.REVIEWING:  # a press release waiting for its deals' review
        return redirect("intake:release_review", pk=batch.pk)
    show = request.GET.get("show", "")
    if show in ("errors", "warnings"):
        rows = batch.rows.select_related("duplicate_of", "project").order_by("number").exclude(**{show: []})
    else:
        rows = preview.BatchRows(batch)
    problems = batch.rows.filter(~Q(errors=[]) | ~Q(warnings=[])).order_by("number")[:500]
    decisions = batch.rows.filter(duplicate_of__isnull=False, errors=[]).select_related("duplicate_of")[:500]
    confirmations = batch.rows.filter(values__needs_confirmation=True, errors=[]).select_related("project")[:500]
    undecided = (
        batch.rows.filter(duplicate_of__isnull=False, errors=[], resolution="").count()
        + batch.rows.filter(values__needs_confirmation=True, errors=[], resolution="").count()
    )
    action = services.upload_action(batch.kind)
    can_act = access.can(request.user, action) and (
        ImportBatch.objects.visible_to(request.user, action).filter(pk=batch.pk).exists()
    )
    return render(
        request,
        "intake/importbatch_detail.html",
        {
            **_progress_context(batch),
            "page": paginate(request, rows, 100),
            "problems": problems,
            "decisions": decisions,
            "confirmations": confirmations,
            "undecided": undecided,
            "can_act": can_act,
            "show": show,
            "kind": kinds.get(batch.kind),
            "commit_label": kinds.get(batch.kind).commit_label(batch.rows_validated),
            "is_release": PressRelease.objects.filter(batch=batch).exists(),
        },
    )


@login_required
@require_GET
def batch_progress(request, pk: int):
    """The progress bar fragment polled by htmx; asks the page to reload once the work is done."""
    batch = get_visible_or_404(ImportBatch.objects, request.user, pk)
    response = render(request, "intake/_progress.html", _progress_context(batch))
    if not batch.is_running and request.htmx:
        if batch.status == ImportBatch.Status.MAPPING:  # the file is read: on to the mapping
            response["HX-Redirect"] = reverse("intake:batch_mapping", args=[batch.pk])
        else:
            response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_resolve(request, pk: int):
    batch = _batch_to_act_on(request, pk)
    try:
        everything = request.POST.get("all")
        if everything in (ImportRow.Resolution.SAME, ImportRow.Resolution.NEW, ImportRow.Resolution.CONFIRM):
            services.batch_resolve_all(batch=batch, decision=everything)
        else:
            decisions = {}
            for key, value in request.POST.items():
                if key.startswith("row_") and key[4:].isdigit():
                    decisions[int(key[4:])] = value
            services.batch_resolve(batch=batch, decisions=decisions)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decisions saved."))
    return redirect("intake:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_commit(request, pk: int):
    batch = _batch_to_act_on(request, pk)
    try:
        with audit_context(actor=request.user, source=f"import:{batch.pk}"):
            batch = services.batch_start_commit(batch=batch, user=request.user)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, kinds.get(batch.kind).committed(batch.new_count, batch.existing_count))
    return redirect("intake:batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_rerun(request, pk: int):
    """Run a failed import again (a stuck one the sweep failed, or one refused while checking)."""
    batch = _batch_to_act_on(request, pk)
    try:
        stale.batch_rerun(batch=batch, user=request.user)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import runs again: its rows are checked anew."))
    return redirect("intake:batch_detail", pk=batch.pk)
