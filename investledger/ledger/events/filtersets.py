"""The FilterSet of signing events, used by the events page and the API alike."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.ledger.events.models import SigningEvent


class SigningEventFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    kind = filters.ChoiceFilter(choices=SigningEvent.Kind.choices, label=_("Kind"))
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = SigningEvent
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(place__icontains=value))
