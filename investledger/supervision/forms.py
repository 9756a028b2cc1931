"""Forms of the supervision pages. They only check the shape of the input; services decide the rest."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from investledger.core.forms import BootstrapFormMixin
from investledger.core.money import AMOUNT_MAX, grouped
from investledger.supervision.choices import InspectionStatus

WAN = Decimal("10000")  # amounts are typed in 万元 (ten thousand yuan), as officers report them
WAN_PLACES = 2  # decimals kept in 万元: a hundred yuan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class VersionedForm(BootstrapFormMixin, forms.Form):
    compact = True  # in the milestone table's rows

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MilestoneRecordForm(VersionedForm):
    actual_date = forms.DateField(label=_("Actual date"), widget=DateInput())
    evidence_number = forms.CharField(label=_("Licence or contract number"), max_length=100, required=False)
    files = MultipleFileField(
        label=_("Documents or photos (PDF, PNG, JPEG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DelayReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for delay"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReplanForm(VersionedForm):
    planned_date = forms.DateField(label=_("New planned date"), widget=DateInput())
    reason = forms.CharField(label=_("Why the plan changes"), max_length=500)


class VerifyForm(VersionedForm):
    decision = forms.ChoiceField(
        label=pgettext_lazy("evidence check", "Decision"),
        choices=[("accept", _("Accept evidence")), ("reject", _("Reject evidence"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(BootstrapFormMixin, forms.Form):
    compact = True  # in the inspection queue's rows

    status = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (InspectionStatus.CONFIRMED, InspectionStatus.CONFIRMED.label),
            (InspectionStatus.DISCREPANCY, InspectionStatus.DISCREPANCY.label),
        ],
    )
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WanField(forms.DecimalField):
    """An amount typed in 万元 (10,000 CNY), with at most two decimals, as the label states.

    A text input (not type=number): the browser's own step check would refuse a whole page for one
    row before the server could say which row and field is wrong.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(
            max_digits=16,
            decimal_places=WAN_PLACES,
            required=False,
            widget=forms.TextInput(attrs={"class": "form-control form-control-sm num", "inputmode": "decimal"}),
            error_messages={
                "max_decimal_places": _("Type at most 2 decimals (the amount is in 10k CNY, 万元)."),
                "min_value": _("An amount cannot be negative."),
                "invalid": _("Type a number, in 10k CNY (万元), such as 1250.5."),
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)  # a number, not Infinity or NaN
        if value not in self.empty_values and value > AMOUNT_MAX / WAN:
            # The one bound of money (core.money), in 万元; said before the digit count would be.
            raise forms.ValidationError(
                _("%(value)s 万元 is more than the largest amount the ledger holds, %(limit)s 万元."),
                code="too_large",
                params={"value": value, "limit": grouped(AMOUNT_MAX / WAN)},
            )


def to_wan(cny: Decimal | None) -> Decimal | None:
    """A CNY amount shown in 万元, rounded half up to the two decimals the field keeps."""
    if cny is None:
        return None
    return (cny / WAN).quantize(Decimal(1).scaleb(-WAN_PLACES), rounding=ROUND_HALF_UP)


def from_wan(wan: Decimal, stored_cny: Decimal | None = None) -> Decimal:
    """The CNY amount of a typed 万元 figure (exact). An untouched rounded figure keeps the stored amount."""
    if stored_cny is not None and to_wan(stored_cny) == wan:
        return stored_cny
    return wan * WAN


class ReportRowForm(forms.Form):
    """One project's progress report for one period; an untouched empty row is skipped."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    funds_in_place = WanField(label=_("Funds in place (10k CNY)"))
    investment_completed = WanField(label=_("Investment completed (10k CNY)"))
    jobs_created = forms.IntegerField(
        label=_("Jobs created"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm num"}),
    )
    narrative = forms.CharField(
        label=_("Progress"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
    )
    problems = forms.CharField(
        label=_("Problems met"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
    )
    confirm_funds_excess = forms.BooleanField(label=_("Figures are right"), required=False)

    def is_blank(self) -> bool:
        d = self.cleaned_data
        return (
            d.get("funds_in_place") is None
            and d.get("investment_completed") is None
            and not (d.get("narrative") or d.get("problems") or d.get("jobs_created"))
        )

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        for name in ("funds_in_place", "investment_completed"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Give this amount (0 if none)."))
        return data
