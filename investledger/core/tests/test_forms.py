"""The forms' common parts: Bootstrap classes by widget, fields that failed marked, refusals put where they belong."""

from django import forms
from django.core.exceptions import ValidationError

from investledger.core.forms import BootstrapFormMixin, add_validation_error, style_filters


class Sample(BootstrapFormMixin, forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A")])
    units = forms.MultipleChoiceField(choices=[("a", "A")], required=False)
    agreed = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    since = forms.DateField(required=False)


class CompactSample(Sample):
    compact = True


def classes(form) -> dict:
    return {name: field.widget.attrs.get("class") for name, field in form.fields.items()}


def test_each_widget_gets_the_bootstrap_class_of_its_kind():
    assert classes(Sample()) == {
        "name": "form-control",
        "kind": "form-select",
        "units": "form-select",
        "agreed": "form-check-input",
        "version": None,
        "since": "form-control",
    }


def test_a_compact_form_and_a_filter_panel_get_small_controls():
    assert classes(CompactSample())["name"] == "form-control form-control-sm"
    assert classes(CompactSample())["kind"] == "form-select form-select-sm"
    panel = forms.Form()
    panel.fields["area"] = forms.ChoiceField(choices=[])
    style_filters(panel)
    assert classes(panel) == {"area": "form-select form-select-sm"}


def test_a_field_that_failed_is_marked_invalid_and_keeps_its_class():
    form = Sample(data={"kind": "a"})
    assert not form.is_valid()
    assert form.fields["name"].widget.attrs["class"] == "form-control is-invalid"
    assert "is-invalid" not in form.fields["kind"].widget.attrs["class"]


def test_a_service_refusal_goes_on_the_fields_it_names_and_the_rest_above_the_form():
    form = Sample(data={"name": "x", "kind": "a"})
    assert form.is_valid()
    add_validation_error(
        form,
        ValidationError({"name": "Taken.", "side_state_date": "Give the date.", "other": "Elsewhere."}),
        rename={"side_state_date": "since"},
    )
    assert form.errors == {"name": ["Taken."], "since": ["Give the date."], "__all__": ["Elsewhere."]}


def test_a_refusal_naming_no_field_may_go_on_a_chosen_field():
    form = Sample(data={"name": "x", "kind": "a"})
    form.is_valid()
    add_validation_error(form, ValidationError("Not an image."), unplaced="name")
    assert form.errors == {"name": ["Not an image."]}
