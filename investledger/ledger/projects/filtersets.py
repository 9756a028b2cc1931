"""One FilterSet per model, used by the ledger page, the API and the exports alike."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.core.filters import ObjectIdFilter
from investledger.core.money import YI
from investledger.core.validators import ControlCharacterValidator
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import search
from investledger.ledger.projects.choices import AgreementType, SideState, Stage
from investledger.ledger.projects.models import Project, Signing, signing_events
from investledger.reference.models import Area, Sector

EVENT_IDS_READ_FIRST = 5_000


class ProjectFilterSet(filters.FilterSet):
    """Filters of the ledger. Area and sector include their sub-areas and sub-sectors.

    Value bounds are in 亿元 (100 million CNY) on pages (`value_min`/`value_max`) and in CNY in the
    API (`value_cny_min`/`value_cny_max`); both are accepted everywhere.
    """

    q = filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        max_length=search.MAX_LENGTH,
        validators=[ControlCharacterValidator(label=_("Search"))],
    )
    area = ObjectIdFilter(queryset=Area.objects.all(), method="filter_area", label=_("Host area"))
    host_area = ObjectIdFilter(
        queryset=Area.objects.all(), field_name="host_area", label=_("Hosted by the area itself")
    )
    sector = ObjectIdFilter(queryset=Sector.objects.all(), method="filter_sector", label=_("Sector"))
    stage = filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"), distinct=False)  # one row each
    side_state = filters.ChoiceFilter(choices=SideState.choices, label=_("Side state"))
    agreement_type = filters.ChoiceFilter(choices=AgreementType.choices, label=_("Agreement type"))
    event = ObjectIdFilter(queryset=signing_events().all(), method="filter_event", label=_("Signing event"))
    first_event = filters.ModelChoiceFilter(
        queryset=signing_events().all(), field_name="first_event", label=_("First signed at")
    )
    investor = ObjectIdFilter(queryset=Investor.objects.all(), method="filter_investor", label=_("Investor"))
    value_min = filters.NumberFilter(method="filter_value_min", label=_("Value from (100 million CNY)"))
    value_max = filters.NumberFilter(method="filter_value_max", label=_("Value to (100 million CNY)"))
    value_cny_min = filters.NumberFilter(
        field_name="contract_value_cny", lookup_expr="gte", label=_("Value from (CNY)")
    )
    value_cny_max = filters.NumberFilter(field_name="contract_value_cny", lookup_expr="lte", label=_("Value to (CNY)"))
    signed_from = filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("Signed from"))
    signed_to = filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("Signed to"))
    strategic_emerging = filters.BooleanFilter(field_name="sector__strategic_emerging", label=_("Strategic emerging"))
    large = filters.BooleanFilter(method="filter_large", label=_("RMB 1 billion or more"))
    is_demo = filters.BooleanFilter(label=_("Demo data"))
    light = filters.ChoiceFilter(
        choices=[("green", _("Green")), ("yellow", _("Yellow")), ("red", _("Red"))],
        method="filter_light",
        label=_("Light"),
    )

    ordering = filters.OrderingFilter(
        fields=(
            ("signed_on", "signed_on"),
            ("contract_value_cny", "value"),
            ("name", "name"),
            ("reference", "reference"),
            ("stage", "stage"),
            ("updated", "updated"),
        ),
        field_labels={"signed_on": _("Signing date"), "contract_value_cny": _("Value"), "name": _("Name")},
        label=_("Sort by"),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    # Set by the search: the index's statistics call the text common (projects/totals.py estimates).
    common_text = False

    def filter_q(self, queryset, name, value):
        queryset, self.common_text = search.find(queryset, value)
        return queryset

    def filter_area(self, queryset, name, area):
        return queryset.in_area(area) if area else queryset

    def filter_sector(self, queryset, name, sector):
        return queryset.filter(sector_id__in=sector.subtree_ids()) if sector else queryset

    def filter_event(self, queryset, name, event):
        """Projects signed at the event (first signing or a later one)."""
        if not event:
            return queryset
        # Through ids, not a join: DISTINCT over the whole row would sort every match. An event's few
        # thousand ids are read first: as a subquery, PostgreSQL walked the list's order index through
        # every project to find a page of an early event's (12 s at 1,000,000 projects). With them comes
        # the latest date signed there: a project's signing date is its first signing's, so none of
        # them was signed later, and that bound lets the newest-first order start its walk at the event.
        signed_there = Signing.objects.filter(event=event)
        rows = list(signed_there.values_list("project_id", "signed_on")[: EVENT_IDS_READ_FIRST + 1])
        if len(rows) > EVENT_IDS_READ_FIRST:
            return queryset.filter(pk__in=signed_there.values("project_id"))
        if not rows:
            return queryset.none()
        return queryset.filter(pk__in=[pk for pk, _day in rows], signed_on__lte=max(day for _pk, day in rows))

    def filter_investor(self, queryset, name, investor):
        if not investor:
            return queryset
        return queryset.filter(Q(investor=investor) | Q(pk__in=investor.co_projects.values("pk")))

    def filter_value_min(self, queryset, name, value):
        return queryset.filter(contract_value_cny__gte=value * YI)

    def filter_value_max(self, queryset, name, value):
        return queryset.filter(contract_value_cny__lte=value * YI)

    def filter_light(self, queryset, name, value):
        """Projects whose current supervision light is `value`."""
        return queryset.filter(light=value) if value else queryset

    def filter_large(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.large() if value else queryset.exclude(contract_value_cny__gte=10 * YI)
