"""The FilterSet of investors, used by the investors page and the API alike."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.ledger.investors.models import Investor


class InvestorFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    origin = filters.ChoiceFilter(choices=Investor.Origin.choices, label=_("Origin"))
    ownership = filters.ChoiceFilter(choices=Investor.Ownership.choices, label=_("Ownership"))
    fortune_global_500 = filters.BooleanFilter(label=_("Fortune Global 500"))

    class Meta:
        model = Investor
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value))
