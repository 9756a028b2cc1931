"""Forms of the ledger pages. They validate what people type; services do the writing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from investledger.core import access
from investledger.core.access import Role
from investledger.events.models import SigningEvent
from investledger.investors.models import Investor
from investledger.projects import services
from investledger.projects.choices import Currency, SideState, SigningKind
from investledger.projects.models import Project
from investledger.reference.models import Area, Sector, Unit


class AmountInput(forms.TextInput):
    """Shows a stored amount with thousands separators, as people read and type it."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """A non-negative amount as people type it: "1,500,000,000" or "1500000000.00"."""

    default_error_messages = {
        "invalid": _("Enter an amount in figures, such as 1500000000 or 1,500,000,000."),
        "min_value": _("An amount cannot be negative."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", AmountInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").replace(" ", "").strip()
        try:
            return super().to_python(value)
        except InvalidOperation as exc:  # pragma: no cover - DecimalField already maps this
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on every widget (the CSP forbids inline styles, classes are enough)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the fields that failed validation."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def contact_users():
    """People who may be named as a project's contacts: users holding the project contact role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role=Role.PROJECT_CONTACT)
        .distinct()
        .order_by("username")
    )


class ProjectForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a project. Host areas are limited to those the user may act in."""

    contract_value = AmountField(
        label=_("Contract investment"),
        help_text=_("In the currency chosen, in full units (1,500,000,000 for 15亿)."),
    )
    outside_value_cny = AmountField(label=_("Outside money (CNY)"), required=False)
    fixed_asset_value_cny = AmountField(label=_("Fixed-asset investment (CNY)"), required=False)
    fx_rate = forms.DecimalField(
        label=_("Exchange rate to CNY"),
        required=False,
        max_digits=14,
        decimal_places=6,
        min_value=Decimal("0"),
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
        style_widgets(self)

    def clean(self):
        data = super().clean()
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


def area_label(area) -> str:
    """An area in a choice list, indented by its depth (ideographic spaces survive in <option> text)."""
    return "\u3000" * area.depth + area.label


class ProjectCreateForm(ProjectForm):
    """A new project, with its optional first signing and the duplicate confirmation."""

    event = forms.ModelChoiceField(
        label=_("First signed at"),
        queryset=SigningEvent.objects.none(),
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
        self.fields["event"].queryset = SigningEvent.objects.order_by("-date", "name")
        style_widgets(self)

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


class SideStateForm(StyledFormMixin, forms.Form):
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
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("side_state"):
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("A stalled, suspended or terminated project needs a reason."))
            if not data.get("since") and "since" not in self.errors:
                self.add_error("since", _("Give the date since when the project is in this state."))
        return data


class SigningForm(StyledFormMixin, forms.Form):
    """Another appearance of a project at a signing event."""

    event = forms.ModelChoiceField(label=_("Signing event"), queryset=SigningEvent.objects.none())
    signed_on = forms.DateField(
        label=_("Signing date"), required=False, widget=DateInput(), help_text=_("Defaults to the event's date.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SigningKind.choices, initial=SigningKind.RESIGNING)
    stated_value_cny = AmountField(
        label=_("Amount stated (CNY)"),
        help_text=_("The amount announced at this event; for a capital increase, the increment only."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["event"].queryset = SigningEvent.objects.exclude(signings__project=project).order_by(
            "-date", "name"
        )
        self.fields["event"].error_messages["invalid_choice"] = _(
            "Choose an event where this project is not yet recorded as signed."
        )
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("event") and not data.get("signed_on"):
            data["signed_on"] = data["event"].date
        return data
