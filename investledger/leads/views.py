"""Pages of the pipeline and of each lead.

Every lead is looked up among those the user may see (404 otherwise); a visible lead the user may
not change answers 403. Writes go through the services, each form through `core.views.submit`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investledger.core import access, clock
from investledger.core.access import Action
from investledger.core.views import submit
from investledger.leads import selectors, services
from investledger.leads.filtersets import LeadFilterSet
from investledger.leads.forms import (
    AnswerForm,
    ConvertForm,
    InteractionForm,
    LeadForm,
    LoseForm,
    MoveForm,
    ReferForm,
)
from investledger.leads.models import Lead, Referral
from investledger.ledger.opportunities.models import Opportunity
from investledger.ledger.projects.models import Project

PAGE_SIZE = 50


def _lead_or_404(user, pk: int, action: str = Action.VIEW) -> Lead:
    lead = get_object_or_404(Lead.objects.visible_to(user).select_related("owning_unit", "investor"), pk=pk)
    if action != Action.VIEW and not Lead.objects.visible_to(user, action).filter(pk=pk).exists():
        raise PermissionDenied
    return lead


@login_required
@require_GET
def pipeline(request: HttpRequest) -> HttpResponse:
    base = Lead.objects.visible_to(request.user)
    filterset = LeadFilterSet(request.GET or None, queryset=base)
    leads = filterset.qs.select_related("owning_unit", "investor", "sector", "referrer").order_by("-received_on", "-pk")
    return render(
        request,
        "leads/pipeline.html",
        {
            "filterset": filterset,
            "page": Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page")),
            "funnel": selectors.funnel(filterset.qs),
            "figures": selectors.pipeline_figures(filterset.qs),
            "today": clock.today(),
            "can_create": access.can_lead(request.user, Action.CREATE),
        },
    )


def _detail_context(request, lead: Lead, **forms) -> dict:
    user = request.user
    can_change = Lead.objects.visible_to(user, Action.CHANGE).filter(pk=lead.pk).exists()
    version = {"version": lead.version}
    ctx = {
        "lead": lead,
        "today": clock.today(),
        "can_change": can_change,
        "stage_changes": lead.stage_changes.select_related("by"),
        "interactions": lead.interactions.select_related("by"),
        "referrals": lead.referrals.select_related("from_unit", "to_unit"),
        "credit_shares": lead.credit_shares.select_related("unit", "referrer"),
        "escalations": lead.escalations.all(),
        "answerable": [r for r in lead.referrals.filter(status="pending") if services.may_answer(user, r)],
        "opportunity_visible": bool(lead.opportunity_id)
        and Opportunity.objects.visible_to(user).filter(pk=lead.opportunity_id).exists(),
        "project_visible": bool(lead.project_id)
        and Project.objects.visible_to(user).filter(pk=lead.project_id).exists(),
    }
    ctx["move_form"] = forms.get("move_form") or MoveForm(initial=version, prefix="move")
    ctx["lose_form"] = forms.get("lose_form") or LoseForm(initial=version, prefix="lose")
    initial = {**version, "unit_share": Decimal(50 if lead.referrer_id else 100)}
    if lead.referrer_id:
        initial["referrer_share"] = Decimal(50)
    ctx["convert_form"] = forms.get("convert_form") or ConvertForm(
        initial=initial, prefix="convert", lead=lead, user=user
    )
    ctx["duplicate_projects"] = forms.get("duplicate_projects") or []
    ctx["interaction_form"] = forms.get("interaction_form") or InteractionForm(
        initial={"date": clock.today()}, prefix="interaction"
    )
    ctx["refer_form"] = forms.get("refer_form") or ReferForm(prefix="refer")
    ctx["answer_form"] = forms.get("answer_form") or AnswerForm(prefix="answer")
    return ctx


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request.user, pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


def _shares(lead: Lead, data: dict) -> list[dict]:
    shares = [{"unit": lead.owning_unit, "percent": data["unit_share"]}]
    if data.get("referrer_share"):
        if lead.referrer is None:
            raise ValidationError({"referrer_share": _("This lead has no referrer to credit.")})
        shares.append({"referrer": lead.referrer, "percent": data["referrer_share"]})
    if data.get("other_unit") and data.get("other_share"):
        shares.append({"unit": data["other_unit"], "percent": data["other_share"]})
    return [s for s in shares if s["percent"]]


def _convert_to_new_project(request, lead: Lead, data: dict) -> Lead:
    """Sign the lead as a new project, created by the projects service; likely duplicates in the ledger
    are listed on the page (those the user may see) and asked about before the project is created."""
    new = services.NewProject(
        name=data["name"],
        host_area=data["host_area"],
        sector=data["sector"],
        contract_value=data["contract_value"],
        event=data["event"],
        signed_on=data["signed_on"] or (data["event"].date if data["event"] else None),
        confirm_not_duplicate=bool(data.get("confirm_new")),
    )
    return services.lead_convert(
        lead=lead, new_project=new, shares=_shares(lead, data), by=request.user, expected_version=data["version"]
    )


def _writes(request, lead: Lead) -> dict:
    """Each action of the lead page: its form class and what it does with the form's data."""
    user = request.user

    def convert(data):
        if not (data["project"] or "").strip():
            return _convert_to_new_project(request, lead, data)
        project = Project.objects.visible_to(user).filter(reference=data["project"].strip()).first()
        if project is None:
            raise ValidationError(
                {"project": _("No project %(ref)s among those you can see.") % {"ref": data["project"]}}
            )
        return services.lead_convert(
            lead=lead, project=project, shares=_shares(lead, data), by=user, expected_version=data["version"]
        )

    return {
        "move": (
            MoveForm,
            lambda d: services.lead_move(
                lead=lead, to_stage=d["stage"], reason=d["reason"], by=user, expected_version=d["version"]
            ),
            _("Stage changed."),
        ),
        "lose": (
            LoseForm,
            lambda d: services.lead_lose(
                lead=lead, reason=d["reason"], lost_to=d["lost_to"], by=user, expected_version=d["version"]
            ),
            _("Lead closed as lost."),
        ),
        "convert": (ConvertForm, convert, _("Lead signed: its project and the credit split are on record.")),
        "interaction": (
            InteractionForm,
            lambda d: services.interaction_add(lead=lead, fields=d, by=user),
            _("Interaction logged."),
        ),
        "refer": (
            ReferForm,
            lambda d: services.referral_make(lead=lead, to_unit_id=d["to_unit"].pk, reason=d["reason"], by=user),
            _("Lead referred; the unit is told."),
        ),
    }


@login_required
@require_POST
def lead_act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    lead = _lead_or_404(request.user, pk)
    writes = _writes(request, lead)
    if act not in writes:
        raise Http404
    lead = _lead_or_404(request.user, pk, Action.CHANGE)
    writes = _writes(request, lead)
    form_class, write, success = writes[act]
    form = form_class(request.POST, prefix=act, **({"lead": lead, "user": request.user} if act == "convert" else {}))

    def conflict() -> str:
        lead.refresh_from_db()
        return _("Someone else changed this lead meanwhile. Read its latest state below and try again.")

    extra: dict = {}
    try:
        done = submit(
            request, form, write, success=success, conflict=conflict, then=reverse("leads:lead_detail", args=[lead.pk])
        )
    except services.DuplicateSuspected as warned:
        # The new project looks like one in the ledger: list those the user may see, and ask again.
        ids = [c.project.pk for c in warned.candidates]
        extra["duplicate_projects"] = list(Project.objects.visible_to(request.user).filter(pk__in=ids))
        data = request.POST.copy()
        data["convert-confirm_new"] = "True"
        form = ConvertForm(data, prefix="convert", lead=lead, user=request.user)
        form.is_valid()
        form.add_error(
            None,
            _(
                "This looks like a project already in the ledger. Give its reference, or save again if it is "
                "a new project."
            ),
        )
        done = None
    if done:
        return done
    lead.refresh_from_db()
    extra[f"{act}_form"] = form
    return render(request, "leads/lead_detail.html", _detail_context(request, lead, **extra), status=400)


@login_required
@require_POST
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user).select_related("lead"), pk=pk)
    if not services.may_answer(request.user, referral):
        raise PermissionDenied
    form = AnswerForm(request.POST, prefix="answer")
    done = submit(
        request,
        form,
        lambda d: services.referral_answer(referral=referral, accept=d["accept"], answer=d["answer"], by=request.user),
        success=_("Referral answered."),
        then=reverse("leads:lead_detail", args=[referral.lead_id]),
    )
    if done:
        return done
    lead = _lead_or_404(request.user, referral.lead_id)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead, answer_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request: HttpRequest) -> HttpResponse:
    """Open a lead. Likely duplicates anywhere in the city are shown first, as the user may read them."""
    if not access.can_lead(request.user, Action.CREATE):
        raise PermissionDenied
    form = LeadForm(request.POST or None, user=request.user)
    notes = []

    def create(data):
        return services.lead_create(
            fields=form.service_fields(),
            areas=data["areas"],
            by=request.user,
            confirm_not_duplicate=bool(data.get("confirm_not_duplicate")),
        )

    try:
        done = submit(
            request,
            form,
            create,
            success=lambda lead: _("Lead %(ref)s opened.") % {"ref": lead.reference},
            then=lambda lead: reverse("leads:lead_detail", args=[lead.pk]),
        )
    except services.DuplicateLeadSuspected as warned:
        notes = selectors.duplicate_notes(warned.candidates, request.user)
        data = request.POST.copy()
        data["confirm_not_duplicate"] = "on"
        form = LeadForm(data, user=request.user)
        form.is_valid()
        done = None
    if done:
        return done
    return render(
        request,
        "leads/lead_new.html",
        {"form": form, "duplicates": notes},
        status=400 if request.method == "POST" else 200,
    )
