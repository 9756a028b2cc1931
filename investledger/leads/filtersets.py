"""The one FilterSet of leads, used by the pipeline page and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.leads.choices import LeadSource, LeadStage
from investledger.leads.models import Lead, Referrer
from investledger.reference.models import Sector, Unit


class LeadFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    unit = filters.ModelChoiceFilter(label=_("Owning unit"), field_name="owning_unit", queryset=Unit.objects.all())
    stage = filters.ChoiceFilter(label=_("Stage"), choices=LeadStage.choices)
    source = filters.ChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    sector = filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    referrer = filters.ModelChoiceFilter(label=_("Referrer"), queryset=Referrer.objects.all())

    class Meta:
        model = Lead
        fields = ["q", "unit", "stage", "source", "sector", "referrer"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(reference__icontains=value) | Q(prospect_name__icontains=value) | Q(investor__name__icontains=value)
        )
