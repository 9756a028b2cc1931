"""Supervision pages: the overview, a project's milestones, evidence and inspections (reports: views_reports).

Objects outside the reader's scope are not found (404); a visible object the reader may not act on
answers 403. Writes go through the services, which recompute the stage and the light at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from investledger.core import access, clock
from investledger.core.access import Action
from investledger.core.views import submit
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area
from investledger.supervision import rules, selectors, services
from investledger.supervision.choices import EvidenceStatus, InspectionStatus
from investledger.supervision.forms import (
    DelayReasonForm,
    InspectionForm,
    MilestoneRecordForm,
    ReplanForm,
    VerifyForm,
)
from investledger.supervision.models import EvidenceFile, InspectionSample, LightAssessment, Milestone, ProgressReport


def _allowed(queryset, user, action: str, pk) -> bool:
    return queryset.visible_to(user, action).filter(pk=pk).exists()


def _visible_areas(user):
    return Area.objects.filter(access.area_q(user, Action.VIEW))


# --- Overview ------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    areas = _visible_areas(request.user)
    area = None
    if request.GET.get("area"):
        area = areas.filter(pk=request.GET["area"]).first() if request.GET["area"].isdigit() else None
        if area is None:
            raise Http404(_("No such area."))
    data = selectors.overview(request.user, area=area)
    context = {
        "overview": data,
        "areas": areas,
        "area": area,
        "at_risk": selectors.projects_at_risk(request.user, area=area, limit=20),
        "total": sum(data.counts.values()),
        "today": clock.today(),
        "can_verify": access.can(request.user, Action.VERIFY),
        "can_report": access.can(request.user, Action.REPORT),
    }
    return render(request, "supervision/overview.html", context)


# --- A project's milestones ------------------------------------------------------------------------


def _milestones_page(request, project: Project, bound: dict | None = None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    user = request.user
    milestones = list(project.milestones.prefetch_related("files").select_related("verified_by", "project"))
    can_report = _allowed(Project.objects, user, Action.REPORT, project.pk)
    can_verify = _allowed(Project.objects, user, Action.VERIFY, project.pk)
    can_replan = _allowed(Project.objects, user, Action.CHANGE, project.pk)
    forecasts = selectors.forecast_milestones(milestones)
    rows = []
    for m in milestones:
        forms = bound.get(m.pk, {})
        rows.append(
            {
                "milestone": m,
                "forecast": forecasts.get(m.pk),
                "record_form": forms.get("record")
                or MilestoneRecordForm(
                    initial={
                        "version": m.version,
                        "actual_date": m.actual_date,
                        "evidence_number": m.evidence_number,
                        "note": m.note,
                    },
                    prefix=f"m{m.pk}",
                ),
                "reason_form": forms.get("reason")
                or DelayReasonForm(initial={"version": m.version, "reason": m.delay_reason}, prefix=f"r{m.pk}"),
                "replan_form": forms.get("replan")
                or ReplanForm(initial={"version": m.version, "planned_date": m.planned_date}, prefix=f"p{m.pk}"),
                "verify_form": forms.get("verify") or VerifyForm(initial={"version": m.version}, prefix=f"v{m.pk}"),
                "open": next(iter(forms), ""),
                "can_verify_now": can_verify and m.evidence_status == EvidenceStatus.PENDING,
            }
        )
    history = list(LightAssessment.objects.filter(project=project).select_related("rule_set")[:20])
    for h in history:
        h.reasons = rules.explain(h.fired)
    context = {
        "project": project,
        "rows": rows,
        "can_report": can_report,
        "can_verify": can_verify,
        "can_replan": can_replan,
        "current": next((h for h in history if h.is_current), None),
        "history": history,
        "reports": ProgressReport.objects.filter(project=project).order_by("-period")[:12],
        "today": clock.today(),
    }
    return render(request, "supervision/project_milestones.html", context, status=status)


@login_required
def project_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.visible_to(request.user, Action.VIEW).select_related("host_area", "sector", "investor"), pk=pk
    )
    return _milestones_page(request, project)


def _milestone_for(request, pk: int, action: str) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.visible_to(request.user, Action.VIEW).select_related("project"), pk=pk
    )
    if not _allowed(Milestone.objects, request.user, action, pk):
        raise PermissionDenied(_("You may not do this on this project."))
    return milestone


def _back(milestone: Milestone) -> str:
    url = reverse("supervision:project_milestones", args=[milestone.project_id])
    return f"{url}#milestone-{milestone.pk}"


def _conflict_message() -> str:
    return _("Someone else changed this milestone after you opened the page. Reload it and try again.")


def _milestone_write(request, milestone: Milestone, form, key: str, write, success: str) -> HttpResponse:
    """One of a milestone's forms: through its service back to the milestone, or the page again showing
    the refusal on the form (`key` names which of the row's forms is open)."""
    done = submit(request, form, write, success=success, conflict=_conflict_message, then=_back(milestone))
    return done or _milestones_page(request, milestone.project, {milestone.pk: {key: form}}, status=400)


@login_required
@require_POST
def milestone_record(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk, Action.REPORT)
    form = MilestoneRecordForm(request.POST, request.FILES, prefix=f"m{pk}")
    return _milestone_write(
        request,
        milestone,
        form,
        "record",
        lambda data: services.milestone_record(
            milestone=milestone,
            actual_date=data["actual_date"],
            evidence_number=data["evidence_number"],
            files=data["files"],
            note=data["note"],
            expected_version=data["version"],
            by=request.user,
        ),
        _("%(milestone)s recorded; it awaits verification.") % {"milestone": milestone.get_kind_display()},
    )


@login_required
@require_POST
def milestone_reason(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk, Action.REPORT)
    form = DelayReasonForm(request.POST, prefix=f"r{pk}")
    return _milestone_write(
        request,
        milestone,
        form,
        "reason",
        lambda data: services.milestone_set_delay_reason(
            milestone=milestone, reason=data["reason"], expected_version=data["version"]
        ),
        _("Reason for delay saved."),
    )


@login_required
@require_POST
def milestone_replan(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk, Action.CHANGE)
    form = ReplanForm(request.POST, prefix=f"p{pk}")
    return _milestone_write(
        request,
        milestone,
        form,
        "replan",
        lambda data: services.milestone_replan(
            milestone=milestone,
            planned_date=data["planned_date"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("Planned date changed."),
    )


@login_required
@require_POST
def milestone_verify(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk, Action.VERIFY)
    form = VerifyForm(request.POST, prefix=f"v{pk}")
    return _milestone_write(
        request,
        milestone,
        form,
        "verify",
        lambda data: services.milestone_verify(
            milestone=milestone,
            accept=data["decision"] == "accept",
            comment=data["comment"],
            by=request.user,
            expected_version=data["version"],
        ),
        _("Verification saved."),
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user, Action.VIEW), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Inspection queue ----------------------------------------------------------------------------


@login_required
def inspection_queue(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VERIFY):
        raise PermissionDenied(_("Only supervisors inspect evidence."))
    samples = (
        InspectionSample.objects.visible_to(request.user, Action.VERIFY)
        .select_related("milestone", "milestone__project", "milestone__project__host_area", "inspector")
        .prefetch_related("milestone__files")
        .order_by("status", "-period", "id")
    )
    show_done = request.GET.get("done") == "1"
    if not show_done:
        samples = samples.filter(status=InspectionStatus.QUEUED)
    rows = [{"sample": s, "form": InspectionForm(prefix=f"i{s.pk}")} for s in samples[:200]]
    return render(
        request, "supervision/inspection_queue.html", {"rows": rows, "show_done": show_done, "today": clock.today()}
    )


@login_required
@require_POST
def inspection_record(request: HttpRequest, pk: int) -> HttpResponse:
    sample = get_object_or_404(InspectionSample.objects.visible_to(request.user, Action.VIEW), pk=pk)
    if not _allowed(InspectionSample.objects, request.user, Action.VERIFY, pk):
        raise PermissionDenied(_("Only supervisors inspect evidence."))
    form = InspectionForm(request.POST, prefix=f"i{pk}")
    if form.is_valid():
        try:
            services.inspection_record(
                sample=sample,
                status=form.cleaned_data["status"],
                findings=form.cleaned_data["findings"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Inspection recorded."))
    else:
        messages.error(request, _("Choose a result."))
    return redirect("supervision:inspection_queue")
