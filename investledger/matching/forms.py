"""The bureau's weights form, and the reason a match is dismissed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core.forms import BootstrapFormMixin
from investledger.matching.models import MatchWeights


class WeightsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = MatchWeights
        fields = ["sector", "size", "region", "mode", "history", "text"]


class DismissForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why this investor does not fit (kept with the dismissal, shown to everyone who sees it)."),
    )
