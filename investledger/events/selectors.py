"""Event figures computed by the counting-once rule, within what the reader may see."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from investledger.core import access
from investledger.projects.models import Signing

LARGE = Decimal("1000000000")


@dataclass
class SectorLine:
    sector_id: int | None
    sector: object
    count: int
    value_cny: Decimal


@dataclass
class EventTotals:
    count: int
    value_cny: Decimal
    large_count: int
    strategic_value_cny: Decimal
    by_sector: list[SectorLine] = field(default_factory=list)

    @property
    def strategic_share(self) -> Decimal | None:
        return (self.strategic_value_cny / self.value_cny) if self.value_cny else None


def counted_signings_of(event_ids, user):
    """Signings at these events, limited to projects the user may see (all of them city-wide)."""
    from investledger.projects.models import Project

    qs = Signing.objects.filter(event_id__in=event_ids)
    if access.is_city_wide(user):
        return qs
    # A subquery, not a join: the scope filter crosses to-many relations (contacts, units) that
    # would repeat signings in the sums.
    return qs.filter(project__in=Project.objects.visible_to(user).values("pk"))


def counted_signings(event, user):
    """The event's signings, limited to projects the user may see."""
    return counted_signings_of([event.pk], user)


def figures_by_event(event_ids, user) -> dict[int, dict]:
    """{event id: project_count, signed_value_cny, large_project_count, strategic_emerging_value_cny}.

    For the events on one page of a list. Grouping the signings by event id alone (rather than
    annotating events, which groups by every event column) lets the database aggregate straight
    from the signings' index.
    """
    money = DecimalField(max_digits=20, decimal_places=2)
    zero = Value(Decimal("0"), output_field=money)
    rows = (
        counted_signings_of(event_ids, user)
        .values("event_id")
        .annotate(
            project_count=Count("pk", filter=Q(counted_project=True)),
            signed_value_cny=Coalesce(Sum("counted_value_cny"), zero, output_field=money),
            large_project_count=Count("pk", filter=Q(counted_project=True, counted_value_cny__gte=LARGE)),
            strategic_emerging_value_cny=Coalesce(
                Sum("counted_value_cny", filter=Q(project__sector__strategic_emerging=True)), zero, output_field=money
            ),
        )
        .order_by()
    )
    return {row.pop("event_id"): row for row in rows}


def event_totals(event, user) -> EventTotals:
    from investledger.reference.models import Sector

    qs = counted_signings(event, user)
    agg = qs.aggregate(
        count=Count("id", filter=Q(counted_project=True)),
        value=Sum("counted_value_cny"),
        large=Count("id", filter=Q(counted_project=True, counted_value_cny__gte=LARGE)),
        strategic=Sum("counted_value_cny", filter=Q(project__sector__strategic_emerging=True)),
    )
    rows = (
        qs.values("project__sector")
        .annotate(count=Count("id", filter=Q(counted_project=True)), value=Sum("counted_value_cny"))
        .order_by("-value")
    )
    sectors = Sector.objects.in_bulk([r["project__sector"] for r in rows])
    lines = [
        SectorLine(r["project__sector"], sectors.get(r["project__sector"]), r["count"], r["value"] or Decimal("0"))
        for r in rows
    ]
    return EventTotals(
        count=agg["count"] or 0,
        value_cny=agg["value"] or Decimal("0"),
        large_count=agg["large"] or 0,
        strategic_value_cny=agg["strategic"] or Decimal("0"),
        by_sector=lines,
    )
