"""Forms of leads and referrers. The services do the validation that matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core import access
from investledger.core.access import Action
from investledger.core.forms import AmountField, BootstrapFormMixin
from investledger.core.related import scope_choices
from investledger.leads.choices import OPEN_STAGES, LeadStage
from investledger.leads.models import Interaction, Lead, LeadClass, Referrer
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import permissions as project_permissions
from investledger.reference.models import Area, Sector, Unit


class LeadForm(BootstrapFormMixin, forms.ModelForm):
    size_cny = AmountField(label=_("Intended investment"), required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have read the warning: open this lead anyway"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Lead
        fields = [
            "investor",
            "prospect_name",
            "sector",
            "size_cny",
            "need",
            "site_needs",
            "source",
            "referrer",
            "source_event",
            "referred_by_unit",
            "owning_unit",
            "officer",
            "areas",
            "received_on",
        ]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 2}),
            "site_needs": forms.Textarea(attrs={"rows": 2}),
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "areas": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investor"].queryset = Investor.objects.order_by("name")
        self.fields["owning_unit"].queryset = Unit.objects.filter(access.lead_unit_q(user)).order_by("code")
        if access.is_city_wide(user, Action.CREATE) or any(
            a.unit_id and not a.area_id for a in access.assignments(user)
        ):
            self.fields["areas"].queryset = Area.objects.order_by("path")
        else:
            self.fields["areas"].queryset = Area.objects.filter(access.area_q(user)).order_by("path")
        self.fields["referrer"].queryset = Referrer.objects.filter(active=True).order_by("kind", "name")
        self.fields["received_on"].required = False
        scope_choices(self, user)
        size = self.fields["size_cny"]
        size.label = f"{size.label} ({size.unit_label})"  # type: ignore[attr-defined]
        self.fields["officer"].queryset = (
            self.fields["officer"].queryset.filter(access.user_q(user)).order_by("username")
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("areas", None)
        data.pop("confirm_not_duplicate", None)
        if not data.get("received_on"):
            data.pop("received_on", None)
        return data


class _VersionedForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(_VersionedForm):
    stage = forms.ChoiceField(label=_("Move to"), choices=[(s.value, s.label) for s in OPEN_STAGES])
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Needed to go back.")
    )


class LoseForm(_VersionedForm):
    reason = forms.CharField(label=_("Why it was lost"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lost_to = forms.CharField(label=_("Where it went (if known)"), required=False, max_length=200)


class ConvertForm(_VersionedForm):
    """Sign a lead: the project already in the ledger (its reference), or the new project it becomes
    (created through the projects service), and how the credit is split."""

    project = forms.CharField(
        label=_("Project reference"),
        max_length=20,
        required=False,
        help_text=_("For example P2026-00001. Leave it empty to create the project from this lead below."),
    )
    unit_share = forms.DecimalField(label=_("Owning unit's share (%)"), min_value=0, max_value=100, decimal_places=2)
    referrer_share = forms.DecimalField(
        label=_("Referrer's share (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    other_unit = forms.ModelChoiceField(label=_("Other unit credited"), queryset=Unit.objects.none(), required=False)
    other_share = forms.DecimalField(
        label=_("Other unit's share (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    name = forms.CharField(label=_("New project's name"), max_length=300, required=False)
    host_area = forms.ModelChoiceField(label=_("Host area"), queryset=Area.objects.none(), required=False)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    contract_value = AmountField(
        label=_("Contract investment"), required=False, help_text=_("Leave it empty when the amount is undisclosed.")
    )
    event = forms.ModelChoiceField(label=_("Signed at"), queryset=SigningEvent.objects.none(), required=False)
    signed_on = forms.DateField(
        label=_("Signing date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Defaults to the event's date."),
    )
    confirm_new = forms.BooleanField(
        label=_("This is a new project, not one of the projects listed"), required=False, widget=forms.HiddenInput
    )

    # The fields of the new project, shown apart on the page.
    NEW_PROJECT_FIELDS = ("name", "host_area", "sector", "contract_value", "event", "signed_on", "confirm_new")

    def __init__(self, *args, lead: Lead, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_unit"].queryset = Unit.objects.order_by("code")
        self.fields["host_area"].queryset = lead.areas.filter(access.area_q(user, project_permissions.CREATE)).order_by(
            "path"
        )
        self.fields["sector"].queryset = Sector.objects.order_by("position", "code")
        self.fields["event"].queryset = SigningEvent.objects.order_by("-date", "name")
        amount = self.fields["contract_value"]
        amount.label = f"{amount.label} ({amount.unit_label})"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("name", _("%(investor)s project") % {"investor": lead.investor_label})
            self.initial.setdefault("sector", lead.sector_id)
            self.initial.setdefault("contract_value", lead.size_cny)
            areas = list(self.fields["host_area"].queryset[:2])
            if len(areas) == 1:
                self.initial.setdefault("host_area", areas[0].pk)

    def clean(self):
        data = super().clean()
        if not (data.get("project") or "").strip():
            for name in ("name", "host_area", "sector"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed to create the project (or give the reference of its project)."))
        return data

    def existing(self) -> bool:
        return bool((self.cleaned_data.get("project") or "").strip())

    def new_project_fields(self):
        return [self[name] for name in self.NEW_PROJECT_FIELDS]

    def share_fields(self):
        return [self[name] for name in ("project", "unit_share", "referrer_share", "other_unit", "other_share")]


class InteractionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "date", "people", "summary", "next_step"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "summary": forms.Textarea(attrs={"rows": 2})}


class ReferForm(BootstrapFormMixin, forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Refer to"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = Unit.objects.order_by("code")


class AnswerForm(BootstrapFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Accept the lead")), ("0", _("Decline"))],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferrerForm(BootstrapFormMixin, forms.ModelForm):
    """An ambassador or agency of the registry; `version` is the one the page was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referrer
        fields = [
            "kind",
            "name",
            "name_en",
            "organisation",
            "area",
            "sectors",
            "agreement_date",
            "term_start",
            "term_end",
            "appointed_at",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_demo",
        ]
        widgets = {
            "agreement_date": forms.DateInput(attrs={"type": "date"}),
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
            "sectors": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointed_at"].queryset = self.fields["appointed_at"].queryset.order_by("-date")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> tuple[dict, list]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "sectors"}
        return data, list(self.cleaned_data["sectors"])


class LeadClassForm(BootstrapFormMixin, forms.ModelForm):
    """A lead class: the amount it starts at, typed in the reader's unit, and its three deadlines."""

    min_value_cny = AmountField(label=_("From amount"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LeadClass
        fields = ["name", "min_value_cny", "respond_days", "assess_days", "feedback_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amount = self.fields["min_value_cny"]
        amount.label = f"{amount.label} ({amount.unit_label})"  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActiveForm(BootstrapFormMixin, forms.Form):
    """Deactivate (or take back) a record of the bureau's, on the version the page showed."""

    active = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


STAGE_CHOICES = [(s.value, s.label) for s in LeadStage]
