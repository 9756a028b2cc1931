"""What every form of the pages shares: Bootstrap classes on its widgets, its fields marked when they
fail, a service's refusal put on the fields it names, the version of the record edited, and the fields
of amounts (typed in 亿 or bn), exchange rates, dates and areas that every app's forms use alike.

Pages have no inline styles (the CSP forbids them): classes are enough. A form in a table row or a
side panel is `compact` (Bootstrap's small controls), as are the filter panels of the lists.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from investledger.core.money import AMOUNT_MAX, BILLION, CENT, RATE_FIELD, YI, grouped, rate_problem

if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is mixed into
else:
    _FormBase = object


def widget_class(widget: forms.Widget, *, compact: bool = False) -> str:
    """The Bootstrap class of a widget: a check box, a select (one or several) or a text control."""
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select form-select-sm" if compact else "form-select"
    return "form-control form-control-sm" if compact else "form-control"


def style_widgets(form: forms.BaseForm, *, compact: bool = False) -> None:
    """Bootstrap classes on every visible widget that has none of its own yet."""
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("class", widget_class(field.widget, compact=compact))


def style_filters(form: forms.BaseForm) -> None:
    """The filter panel of a list: small controls, as every list shows them."""
    style_widgets(form, compact=True)


class BootstrapFormMixin(_FormBase):
    """Bootstrap classes on every widget, and `is-invalid` on each field that failed (Django itself adds
    `aria-invalid`).

    A form whose `__init__` swaps widgets after this one's calls `self.style()` again at its end: a
    widget keeps a class it was given, so styling twice changes nothing.
    """

    compact = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self) -> None:
        style_widgets(self, compact=self.compact)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", "").split():
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_validation_error(
    form: forms.BaseForm, error: ValidationError, *, rename: dict | None = None, unplaced: str | None = None
) -> None:
    """Put a service's ValidationError on the form: each message on the field it names when the form has it.

    `rename` maps the model's field names to the form's where they differ; a message naming no field of
    the form, or naming none at all, goes to `unplaced` (a field's name, or None: above the form).
    """
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = rename.get(field, field)
            target = field if field in form.fields else unplaced
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(unplaced, error)


class VersionedFormMixin(_FormBase):
    """The form of a versioned record carries, hidden, the version it was opened on: the service refuses
    a save made on an older one (`core.versions.EditConflict`) and `core.views.kept_on_conflict` says
    what changed. A new record has no version yet (the field is left empty)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        version = instance.version if instance is not None and instance.pk is not None else None
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=version is not None)
        if version is not None and not self.is_bound:
            self.initial["version"] = version


# --- Fields every app's forms share ---


def reader_multiplier() -> Decimal:
    """Yuan per unit of the amounts people read and type: 亿 (10^8) in Chinese, billions in English."""
    return YI if (get_language() or "en").startswith("zh") else BILLION


def in_reader_unit(value: Decimal) -> str:
    """An amount in yuan as typed in the reader's unit, exactly: 1530000000 → "15.3" (亿) or "1.53" (bn)."""
    text = format(value / reader_multiplier(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class AmountInput(forms.TextInput):
    """Shows a stored amount (in yuan) in the unit people read and type beside it."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return in_reader_unit(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """A non-negative amount typed in the reader's unit (亿 in Chinese, bn in English), kept in yuan.

    The unit is shown beside the field (`unit_label`), the same unit pages show and imports read in
    headers; the conversion is exact in Decimal, and a figure finer than a cent is refused, not rounded.
    `in_cny` says whether the amount is always in yuan (“亿元”, “RMB bn”) or in a currency chosen
    beside it (“亿”, “bn”).
    """

    default_error_messages = {
        "invalid": _("Enter the amount as a number in %(unit)s, such as 15 or 2.5."),
        "min_value": _("An amount cannot be negative."),
        "too_large": _("%(value)s %(unit)s is more than the largest amount the ledger holds, %(limit)s %(unit)s."),
        "too_fine": _("Give the amount to the cent at most: %(value)s %(unit)s has too many decimal places."),
    }

    def __init__(self, *, in_cny: bool = True, **kwargs):
        self.in_cny = in_cny
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", AmountInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    @property
    def unit_label(self) -> str:
        zh = (get_language() or "en").startswith("zh")
        # The units of pages and import headers: 亿元 in Chinese, RMB bn in English.
        if self.in_cny:
            return "亿元" if zh else "RMB bn"
        return "亿" if zh else "bn"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).replace(",", "").replace("，", "").replace(" ", "").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"unit": self.unit_label}
            ) from None
        if not number.is_finite():
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"unit": self.unit_label}
            )
        if number < 0:
            raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        multiplier = reader_multiplier()
        if number > AMOUNT_MAX / multiplier:  # the one bound of money (core.money), in the reader's unit
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"value": text, "unit": self.unit_label, "limit": grouped(AMOUNT_MAX / multiplier)},
            )
        amount = number * multiplier
        if amount != amount.quantize(CENT):
            raise forms.ValidationError(
                self.error_messages["too_fine"], code="too_fine", params={"value": text, "unit": self.unit_label}
            )
        return amount.quantize(CENT)


class RateField(forms.DecimalField):
    """An exchange rate (CNY per unit of a currency): 0 to `RATE_MAX`, at most six decimals (`core.money`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", RATE_FIELD["max_digits"])
        kwargs.setdefault("decimal_places", RATE_FIELD["decimal_places"])
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            problem = rate_problem(value)
            if problem is not None:  # one message naming the bound, before the digit counts
                raise problem.error()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def area_label(area) -> str:
    """An area in a choice list, indented by its depth (ideographic spaces survive in <option> text)."""
    return "\u3000" * area.depth + area.label
