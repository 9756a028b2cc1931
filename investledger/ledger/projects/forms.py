"""Forms of the ledger pages. They validate what people type; services do the writing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from investledger.core import access
from investledger.core.access import Role
from investledger.core.forms import AmountField, BootstrapFormMixin, DateInput, RateField, area_label, in_reader_unit
from investledger.core.related import scope_choices
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import Currency, SideState, SigningKind
from investledger.ledger.projects.models import Project, signing_events
from investledger.reference.models import Area, Sector, Unit


def contact_users():
    """People who may be named as a project's contacts: users holding the project contact role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role=Role.PROJECT_CONTACT)
        .distinct()
        .order_by("username")
    )


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit a project. Host areas are limited to those the user may act in."""

    contract_value = AmountField(
        label=_("Contract investment"),
        in_cny=False,
        required=False,
        help_text=_("In the currency chosen; leave empty when the amount is undisclosed."),
    )
    outside_value_cny = AmountField(label=_("Outside money"), required=False)
    fixed_asset_value_cny = AmountField(label=_("Fixed-asset investment"), required=False)
    fx_rate = RateField(
        label=_("Exchange rate to CNY"),
        required=False,
        help_text=_("CNY per unit of the currency; leave empty for CNY."),
        error_messages={"invalid": _("Enter the rate as a number, such as 7.1234.")},
    )

    class Meta:
        model = Project
        fields = [name for name in services.EDITABLE_FIELDS if name != "is_demo"]  # demo data is not typed in
        widgets = {
            "fx_date": DateInput(),
            "planned_start": DateInput(),
            "planned_completion": DateInput(),
            "planned_production": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "co_investors": forms.SelectMultiple(attrs={"size": 4}),
            "involved_units": forms.SelectMultiple(attrs={"size": 4}),
            "contacts": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A district officer may only place projects in the areas (and sub-areas) they answer for.
        self.fields["host_area"].queryset = Area.objects.filter(access.area_q(user, action)).order_by("path")
        self.fields["host_area"].label_from_instance = area_label
        self.fields["host_area"].error_messages["invalid_choice"] = _(
            "Choose a host area you are responsible for; that area is not one of them."
        )
        self.fields["sector"].queryset = Sector.objects.order_by("position", "code")
        self.fields["sector"].error_messages["invalid_choice"] = _("Unknown sector: choose one from the list.")
        self.fields["investor"].queryset = Investor.objects.order_by("name")
        self.fields["co_investors"].queryset = Investor.objects.order_by("name")
        self.fields["lead_unit"].queryset = Unit.objects.order_by("code")
        self.fields["involved_units"].queryset = Unit.objects.order_by("code")
        self.fields["contacts"].queryset = contact_users()
        scope_choices(self, user)  # an id the user may not see is refused like one that does not exist
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("value_undisclosed") and not data.get("contract_value"):
            data["contract_value"] = Decimal("0")  # kept at 0, shown as undisclosed
        elif data.get("contract_value") is None and "contract_value" not in self.errors:
            self.add_error("contract_value", _("Give the contract investment, or tick “amount undisclosed”."))
        currency = data.get("currency")
        if currency == Currency.CNY:
            data["fx_rate"] = Decimal("1")
            self.instance.fx_rate = Decimal("1")
        elif currency:
            rate = data.get("fx_rate")
            if rate is None or rate <= 0:
                if "fx_rate" not in self.errors:
                    self.add_error("fx_rate", _("Give the exchange rate used to convert this amount to CNY."))
            if not data.get("fx_date") and "fx_date" not in self.errors:
                self.add_error("fx_date", _("Give the date of the exchange rate."))
        return data

    def _update_errors(self, errors):
        # A field the form refused keeps its own message: the model's about the same field (a rate
        # "not given" because the typed one was refused) would only contradict it.
        if hasattr(errors, "error_dict"):
            errors = forms.ValidationError({k: v for k, v in errors.error_dict.items() if k not in self.errors})
        super()._update_errors(errors)

    def _post_clean(self):
        # The model's own clean() compares amounts and dates; give it a rate it can use for CNY.
        if self.cleaned_data.get("fx_rate") is None:
            self.cleaned_data["fx_rate"] = Decimal("1") if self.cleaned_data.get("currency") == Currency.CNY else None
        super()._post_clean()

    def service_fields(self) -> tuple[dict, dict]:
        """The cleaned values split as the services take them: plain fields and to-many lists."""
        m2m_names = ("co_investors", "involved_units", "contacts")
        fields = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields and k not in m2m_names}
        if fields.get("fx_rate") is None:
            fields["fx_rate"] = Decimal("1")
        m2m = {k: list(self.cleaned_data.get(k) or []) for k in m2m_names}
        return fields, m2m


class ProjectCreateForm(ProjectForm):
    """A new project, with its optional first signing and the duplicate confirmation."""

    event = forms.ModelChoiceField(
        label=_("First signed at"),
        queryset=signing_events().none(),
        required=False,
        help_text=_("The signing event where the project was signed; it counts under this event."),
    )
    signed_on = forms.DateField(
        label=_("Signing date"), required=False, widget=DateInput(), help_text=_("Defaults to the event's date.")
    )
    confirm_new = forms.BooleanField(
        label=_("This is a new project, not one of the projects listed above"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = signing_events().order_by("-date", "name")
        scope_choices(self, self.user)
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("signed_on") and not data.get("event"):
            self.add_error("event", _("Choose the event at which the project was signed on that date."))
        return data


class ProjectEditForm(ProjectForm):
    """Edit carries the version the user started from, so a concurrent change is refused, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class SideStateForm(BootstrapFormMixin, forms.Form):
    side_state = forms.ChoiceField(
        label=_("Side state"),
        choices=[("", _("None (back to normal progress)"))] + list(SideState.choices),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("side_state"):
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("A stalled, suspended or terminated project needs a reason."))
            if not data.get("since") and "since" not in self.errors:
                self.add_error("since", _("Give the date since when the project is in this state."))
        return data


class SigningForm(BootstrapFormMixin, forms.Form):
    """Another appearance of a project at a signing event.

    A capital increase is entered as its increment (the form starts it at 0); one that looks like the
    project's new total is asked about before it is saved (`services.capital_increase_warnings`).
    """

    event = forms.ModelChoiceField(label=_("Signing event"), queryset=signing_events().none())
    signed_on = forms.DateField(
        label=_("Signing date"), required=False, widget=DateInput(), help_text=_("Defaults to the event's date.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SigningKind.choices, initial=SigningKind.RESIGNING)
    stated_value_cny = AmountField(
        label=_("Amount stated"),
        help_text=_("The amount announced at this event; for a capital increase, the increment only."),
    )
    confirm_increment = forms.BooleanField(
        label=_("Yes, this is the increment: add it to the project's amount"), required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, project: Project, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.increment_warnings: list[str] = []
        self.fields["event"].queryset = signing_events().exclude(signings__project=project).order_by("-date", "name")
        scope_choices(self, user)
        self.fields["event"].error_messages["invalid_choice"] = _(
            "Choose an event where this project is not yet recorded as signed."
        )
        # The page's script swaps the label and the pre-filled amount when the kind changes.
        self.fields["stated_value_cny"].widget.attrs.update(
            {
                "data-whole": in_reader_unit(project.contract_value_cny),
                "data-label-stated": str(_("Amount stated")),
                "data-label-increment": str(_("Increment")),
            }
        )
        if (self.data.get("kind") if self.is_bound else self.initial.get("kind")) == SigningKind.CAPITAL_INCREASE:
            self.fields["stated_value_cny"].label = _("Increment")
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("event") and not data.get("signed_on"):
            data["signed_on"] = data["event"].date
        increment = data.get("stated_value_cny")
        if data.get("kind") == SigningKind.CAPITAL_INCREASE and increment is not None:
            if increment == 0:
                self.add_error("stated_value_cny", _("Give the increment: by how much the investment grows."))
            elif not data.get("confirm_increment"):
                self.increment_warnings = services.capital_increase_warnings(self.project, increment)
                if self.increment_warnings:  # the warnings themselves are shown above the box
                    self.add_error("confirm_increment", _("Tick the box to save it as the increment, or correct it."))
        return data
