"""The bureau's weights form."""

from django import forms

from investledger.core.forms import BootstrapFormMixin
from investledger.matching.models import MatchWeights


class WeightsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = MatchWeights
        fields = ["sector", "size", "region", "mode", "history", "text"]
