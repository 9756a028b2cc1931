"""What every form of the pages shares: Bootstrap classes on its widgets, its fields marked when they
fail, and a service's refusal put on the fields it names.

Pages have no inline styles (the CSP forbids them): classes are enough. A form in a table row or a
side panel is `compact` (Bootstrap's small controls), as are the filter panels of the lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

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
