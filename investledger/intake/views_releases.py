"""Pages of the press-release review: paste or upload a release, review its deals, check them.

A release's batch is found as any batch (`ImportBatch.objects.visible_to`, the uploader's area) and
changed only by those who may import projects there; every change goes through `kinds.releases`.
After the check, the batch's own page (preview, decisions on likely duplicates, commit) takes over.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from investledger.core import access
from investledger.core.access import Action
from investledger.core.audit import audit_context
from investledger.core.related import scope_choices
from investledger.core.versions import EditConflict
from investledger.core.views import allowed, get_visible_or_404, require
from investledger.intake import services, watch
from investledger.intake.fields import Kind
from investledger.intake.kinds import feeds, release_sets, releases
from investledger.intake.models import ImportBatch, PressRelease, ReleaseDeal, ReleaseSet, WatchSignal
from investledger.intake.parsing import SheetError
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import AgreementType
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector

CURRENCIES = ["CNY", "USD", "HKD", "EUR", "JPY", "GBP"]
# The agreement types as the signing list's cells name them, with the ledger's words for them.
AGREEMENTS = [
    ("投资合同", AgreementType.CONTRACT.label),
    ("框架协议", AgreementType.FRAMEWORK.label),
    ("补充协议", AgreementType.SUPPLEMENTARY.label),
]


class ReleaseForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text of the release"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=200_000,
        help_text=gettext_lazy("Paste the release, in English or Chinese; or upload it below."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or the release as a file (text, HTML, PDF or DOCX)"),
        required=False,
        help_text=gettext_lazy(
            "Several files at once, a .zip of them or a news feed (RSS or Atom .xml) are read in the background,"
            " each file or item of the feed as a release of its own."
        ),
    )
    event = forms.ModelChoiceField(
        label=gettext_lazy("Signing event"),
        queryset=SigningEvent.objects.all(),
        required=False,
        help_text=gettext_lazy("Where its deals were signed; found from the release's title when it names one."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste the text of a release or choose its file."))
        return data


class DealForm(forms.Form):
    """The fields of a proposed deal an officer may correct before accepting it."""

    name = forms.CharField(label=gettext_lazy("Project name"), max_length=200, required=False)
    investor = forms.CharField(label=gettext_lazy("Investor"), max_length=200, required=False)
    host_area = forms.ChoiceField(label=gettext_lazy("Host area"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    contract_value = forms.CharField(label=gettext_lazy("Amount (100 million)"), max_length=40, required=False)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=[(c, c) for c in CURRENCIES])
    agreement_type = forms.ChoiceField(label=gettext_lazy("Agreement type"), choices=AGREEMENTS)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_choice else "form-control form-control-sm"
        areas = Area.objects.filter(access.area_q(user, Action.CREATE)).order_by("path")
        self.fields["host_area"].choices = [("", "—")] + [(a.name, a.label) for a in areas]
        self.fields["sector"].choices = [("", "—")] + [(s.name, s.label) for s in Sector.objects.order_by("name")]


def _release_batch(request, pk: int) -> ImportBatch:
    batch = get_visible_or_404(ImportBatch.objects.select_related("event"), request.user, pk, Action.CREATE)
    if batch.kind != Kind.RELEASES:
        raise PermissionDenied
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def release_new(request):
    """Paste or upload a press release: its deals are proposed for the review."""
    require(request.user, Action.CREATE)
    form = ReleaseForm(request.POST or None, request.FILES or None, user=request.user)
    recent = ReleaseSet.objects.visible_to(request.user)[:5]
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("file")
        if len(uploads) > 1 or (uploads and uploads[0].name.lower().endswith((".zip", *feeds.SUFFIXES))):
            try:
                release_set = release_sets.release_set_store(
                    user=request.user, uploads=uploads, event=form.cleaned_data["event"]
                )
            except SheetError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("intake:release_set", pk=release_set.pk)
            return render(request, "intake/release_new.html", {"form": form, "recent": recent}, status=400)
        upload = form.cleaned_data["file"]
        try:
            if upload:
                if upload.size > releases.loaders.MAX_BYTES:
                    raise SheetError(str(releases.MESSAGES["too_large"]))
                data: bytes | str = upload.read()
                name = upload.name
            else:
                data, name = form.cleaned_data["text"], "release.txt"
            batch = releases.release_store(
                user=request.user, data=data, file_name=name, event=form.cleaned_data["event"]
            )
        except SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("intake:release_review", pk=batch.pk)
    return render(
        request,
        "intake/release_new.html",
        {"form": form, "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def release_set(request, pk: int):
    """The releases handed in together: the reading's progress (polled), then each release read."""
    release_set = get_visible_or_404(ReleaseSet.objects, request.user, pk)
    context = {
        "set": release_set,
        "rows": release_sets.rows(release_set, request.user),
        "stalled": release_sets.stalled(release_set),
    }
    if request.htmx:
        return render(request, "intake/_release_set.html", context)
    return render(request, "intake/release_set.html", context)


@login_required
@require_POST
def release_set_resume(request, pk: int):
    """Read the rest of a set whose reading stopped (the worker died while reading it)."""
    release_set = get_visible_or_404(ReleaseSet.objects, request.user, pk, Action.CREATE)
    try:
        release_sets.release_set_resume(release_set)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect("intake:release_set", pk=release_set.pk)


@login_required
@require_http_methods(["GET"])
def release_review(request, pk: int):
    """The release's text with the evidence of each deal highlighted, and a decision per deal."""
    batch = get_visible_or_404(ImportBatch.objects.select_related("event", "uploaded_by"), request.user, pk)
    release = get_object_or_404(PressRelease, batch=batch)
    can_act = ImportBatch.objects.visible_to(request.user, Action.CREATE).filter(pk=batch.pk).exists() and (
        access.can(request.user, Action.CREATE)
    )
    deals = list(release.deals.select_related("decided_by"))
    reviewing = batch.status == ImportBatch.Status.REVIEWING
    for deal in deals:
        deal.form = DealForm(
            initial={**deal.values, "version": deal.version}, user=request.user, prefix=f"d{deal.number}"
        )
    proposal = release.proposal
    again = releases.announced_again(request.user, deals)
    for deal in deals:
        deal.kind_said = releases.kind_said(deal.proposed.get("kind"))
        deal.announced_again = again.get(deal.number, [])
    aggregates = [{**a, "kind_said": releases.kind_said(a.get("kind"))} for a in proposal.get("aggregates", [])]
    events = SigningEvent.objects.all().order_by("-date")
    return render(
        request,
        "intake/release_review.html",
        {
            "batch": batch,
            "release": release,
            "deals": deals,
            "pieces": releases.highlighted(release.text, deals),
            "aggregates": aggregates,
            "flags": [releases.said(f) for f in proposal.get("flags", [])],
            "notes": [releases.said(m) for m in proposal.get("messages", [])],
            "event": (proposal.get("event") or {}),
            "events": events,
            "can_announce": batch.event is not None
            and allowed(SigningEvent.objects, request.user, batch.event, Action.MANAGE),
            "can_act": can_act and reviewing,
            "reviewing": reviewing,
            "signals": [
                {"said": watch.said(s.code), "kind": s.kind, "project": s.project, "evidence": s.evidence}
                for s in WatchSignal.objects.visible_to(request.user).filter(release=release).select_related("project")
            ],
            "undecided": sum(1 for d in deals if not d.decision),
            "accepted": sum(1 for d in deals if d.decision == ReleaseDeal.Decision.ACCEPTED),
        },
    )


@login_required
@require_POST
def release_decide(request, pk: int, number: int):
    batch = _release_batch(request, pk)
    deal = get_object_or_404(ReleaseDeal, release__batch=batch, number=number)
    decision = request.POST.get("decision", "")
    form = DealForm(request.POST, user=request.user, prefix=f"d{number}")
    if not form.is_valid():
        messages.error(request, _("Deal %(n)s: %(errors)s") % {"n": number, "errors": form.errors.as_text()})
        return redirect("intake:release_review", pk=batch.pk)
    values = {k: v for k, v in form.cleaned_data.items() if k in releases.EDITABLE and k != "signed_on"}
    try:
        with audit_context(actor=request.user, source=f"import:{batch.pk}"):
            releases.release_decide(
                deal=deal,
                user=request.user,
                decision=decision,
                values=values if decision == ReleaseDeal.Decision.ACCEPTED else None,
                version=form.cleaned_data["version"],
            )
    except EditConflict:
        messages.error(request, _("Deal %(n)s was decided by someone else meanwhile: see it below.") % {"n": number})
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("intake:release_review", args=[batch.pk]) + f"#deal-{number}")


@login_required
@require_POST
def release_event(request, pk: int):
    batch = _release_batch(request, pk)
    event = None
    if request.POST.get("event"):
        event = get_object_or_404(SigningEvent.objects.all(), pk=request.POST["event"])
    try:
        releases.release_set_event(batch=batch, event=event)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect("intake:release_review", pk=batch.pk)


@login_required
@require_POST
def release_announce(request, pk: int, number: int):
    """Take one of the release's totals as its event's announced figures (by those who manage events)."""
    batch = _release_batch(request, pk)
    if batch.event is None or not allowed(SigningEvent.objects, request.user, batch.event, Action.MANAGE):
        raise PermissionDenied
    try:
        with audit_context(actor=request.user, source=f"import:{batch.pk}"):
            event = releases.release_announce(batch=batch, number=number)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The figures announced at “%(event)s” are now those of this release.") % {"event": event.label}
        )
    return redirect("intake:release_review", pk=batch.pk)


@login_required
@require_POST
def release_check(request, pk: int):
    batch = _release_batch(request, pk)
    try:
        batch = releases.release_check(batch=batch)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("intake:release_review", pk=batch.pk)
    return redirect("intake:batch_detail", pk=batch.pk)


@login_required
@require_POST
def release_reopen(request, pk: int):
    batch = _release_batch(request, pk)
    try:
        releases.release_reopen(batch=batch)
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("intake:batch_detail", pk=batch.pk)
    return redirect("intake:release_review", pk=batch.pk)


@login_required
@require_POST
def watch_decide(request, pk: int):
    """Confirm or dismiss a signal of the watch list (a supervisor of the project's area)."""
    signal = get_visible_or_404(WatchSignal.objects.select_related("project"), request.user, pk)
    if not allowed(Project.objects, request.user, signal.project, Action.SUPERVISE):
        raise PermissionDenied
    try:
        with audit_context(actor=request.user, source="web:watch"):
            watch.signal_decide(
                signal=signal,
                user=request.user,
                status=request.POST.get("status", ""),
                version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
            )
    except EditConflict:
        messages.error(request, _("Someone decided on this signal meanwhile: see it below."))
    except services.ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("projects:project_detail", args=[signal.project_id]) + "#watch-signals")
