"""One FilterSet for opportunities, used by the public catalogue, its feed, the list pages and the API."""

from decimal import Decimal

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.core.filters import ObjectIdFilter
from investledger.core.money import YI
from investledger.ledger.opportunities.choices import CooperationMode, Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory, OpportunityList
from investledger.reference.models import Area, Sector

# Size classes of the estimated investment, in 亿元 (100 million CNY): (lower, upper) bounds.
SIZES = {
    "under_1": (None, Decimal("1")),
    "1_10": (Decimal("1"), Decimal("10")),
    "10_50": (Decimal("10"), Decimal("50")),
    "50_up": (Decimal("50"), None),
}
SIZE_CHOICES = [
    ("under_1", _("Under RMB 100 million")),
    ("1_10", _("RMB 0.1 to 1 bn")),
    ("10_50", _("RMB 1 to 5 bn")),
    ("50_up", _("RMB 5 bn or more")),
]


class OpportunityFilterSet(filters.FilterSet):
    """Filters of opportunities. Area and sector include their sub-areas and sub-sectors."""

    q = filters.CharFilter(method="filter_q", label=_("Search"))
    category = ObjectIdFilter(queryset=OpportunityCategory.objects.all(), label=_("Category"))
    area = ObjectIdFilter(queryset=Area.objects.all(), method="filter_area", label=_("Area"))
    sector = ObjectIdFilter(queryset=Sector.objects.all(), method="filter_sector", label=_("Sector"))
    size = filters.ChoiceFilter(choices=SIZE_CHOICES, method="filter_size", label=_("Size"))
    mode = filters.ChoiceFilter(
        choices=CooperationMode.choices, field_name="cooperation_mode", label=_("Cooperation mode")
    )
    status = filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    list = ObjectIdFilter(queryset=OpportunityList.objects.all(), field_name="list", label=_("List"))

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(title_en__icontains=value) | Q(location__icontains=value))

    def filter_area(self, queryset, name, area):
        return queryset.filter(host_area__path__startswith=area.path) if area else queryset

    def filter_sector(self, queryset, name, sector):
        if not sector:
            return queryset
        ids = sector.subtree_ids()
        return queryset.filter(
            pk__in=Opportunity.sectors.through.objects.filter(sector_id__in=ids).values("opportunity_id")
        )

    def filter_size(self, queryset, name, value):
        low, high = SIZES.get(value, (None, None))
        if low is not None:
            queryset = queryset.filter(estimated_value_cny__gte=low * YI)
        if high is not None:
            queryset = queryset.filter(estimated_value_cny__lt=high * YI)
        return queryset
