"""The investor form (bureau administrators keep the list of investors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core.forms import BootstrapFormMixin
from investledger.core.related import scope_choices
from investledger.ledger.investors.models import Investor


class InvestorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Investor
        fields = [
            "name",
            "name_en",
            "parent",
            "origin",
            "country",
            "ownership",
            "fortune_global_500",
            "china_top_500",
            "listed",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The parent group is chosen among the investors this user may see (the one access rule).
        parents = Investor.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        scope_choices(self, user)
        self.style()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("An investor cannot belong to its own subsidiary."))
            node = node.parent
        return parent
