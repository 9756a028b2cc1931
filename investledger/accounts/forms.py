"""Forms of the user management pages: details, password, and the roles a user holds."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from investledger.accounts.models import User
from investledger.core.access import Role
from investledger.core.forms import BootstrapFormMixin
from investledger.reference.models import Area, Unit


class UserForm(BootstrapFormMixin, forms.ModelForm):
    compact = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].empty_label = "—"

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "language", "unit"]
        widgets = {"language": forms.Select(choices=[("", "—"), ("en", "English"), ("zh-hans", "简体中文")])}


class NewUserForm(UserForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class RoleForm(BootstrapFormMixin, forms.Form):
    compact = True  # a row of the roles table

    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices], required=False)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=None,
        required=False,
        help_text=_("Limits the role to this area and its sub-areas; empty means the whole city."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("path")
        self.fields["unit"].queryset = Unit.objects.order_by("code")
        self.fields["area"].empty_label = self.fields["unit"].empty_label = "—"

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.DISTRICT_OFFICER and not data.get("area"):
            self.add_error("area", _("A district officer needs an area."))
        if role == Role.RESPONSIBLE_UNIT and not data.get("unit"):
            self.add_error("unit", _("A responsible unit needs a unit."))
        return data


RoleFormSet = forms.formset_factory(RoleForm, extra=2, can_delete=True)


def roles_from(formset) -> list[dict]:
    return [
        {"role": f.cleaned_data["role"], "area": f.cleaned_data.get("area"), "unit": f.cleaned_data.get("unit")}
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("role") and not f.cleaned_data.get("DELETE")
    ]
