"""Forms of the opportunity pages. They validate what people type; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core import access
from investledger.core.forms import AmountField, BootstrapFormMixin, DateInput, RateField, area_label
from investledger.core.related import scope_choices
from investledger.ledger.opportunities import permissions, services
from investledger.ledger.opportunities.choices import TRANSITIONS, Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityList
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area


def _areas_for(form: forms.BaseForm, name: str, user, action: str, within: Area | None = None) -> None:
    """The area choices of `name`: those the user may `action` in (and under `within`), as the ledger names them."""
    field = form.fields[name]
    areas = Area.objects.filter(access.area_q(user, action)).order_by("path")
    if within is not None:
        areas = areas.filter(path__startswith=within.path)
    field.queryset = areas
    field.label_from_instance = area_label


class ListForm(BootstrapFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OpportunityList
        fields = services.LIST_FIELDS
        widgets = {"released_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user)
        action = permissions.UPDATE if self.instance.pk else permissions.CREATE
        _areas_for(self, "publishing_area", user, action)
        self.fields["event"].queryset = self.fields["event"].queryset.order_by("-date")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.LIST_FIELDS}


class OpportunityForm(BootstrapFormMixin, forms.ModelForm):
    """An opportunity's description; its amount typed in the reader's unit (亿 / bn) of the currency chosen."""

    estimated_value = AmountField(label=_("estimated investment"), in_cny=False, required=False)
    fx_rate = RateField(label=_("exchange rate to CNY"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Opportunity
        fields = (*services.OPPORTUNITY_FIELDS, "sectors")
        widgets = {
            "incentives": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "sectors": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, opportunity_list: OpportunityList, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.list = opportunity_list
        scope_choices(self, user)
        action = permissions.UPDATE if self.instance.pk else permissions.CREATE
        _areas_for(self, "host_area", user, action, within=opportunity_list.publishing_area)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.style()

    def clean_fx_rate(self):
        rate = self.cleaned_data.get("fx_rate")
        return rate if rate is not None else self.instance.fx_rate

    def service_fields(self) -> tuple[dict, list]:
        fields = {name: self.cleaned_data[name] for name in services.OPPORTUNITY_FIELDS}
        return fields, list(self.cleaned_data["sectors"])

    def _post_clean(self):
        # The service validates the model (with the amount in CNY derived); the form only parses.
        pass


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    project = forms.ModelChoiceField(
        label=_("Signed as project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("For a signed opportunity: the project it became, from the projects of the list's area."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[opportunity.status]
        self.fields["status"].choices = [(value, label) for value, label in Status.choices if value in allowed]
        taken = Opportunity.objects.exclude(project=None).exclude(pk=opportunity.pk).values("project")
        self.fields["project"].queryset = (
            Project.objects.visible_to(user)
            .filter(host_area__path__startswith=opportunity.list.publishing_area.path)
            .exclude(pk__in=taken)
            .order_by("-signed_on", "-id")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.reference} {p.name}"
        self.style()


class InterestForm(forms.Form):
    """The public “express interest” form. `website` is a field people never see (a trap for robots)."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        help_text=_("What you would like to know or propose (at most 2,000 characters)."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "website":
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off", **{"class": "form-control"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
