"""Event figures computed by the counting-once rule, within what the reader may see."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

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


def counted_signings(event, user):
    """The event's signings that count, limited to projects the user may see."""
    from investledger.projects.models import Project

    # A subquery, not a join: the scope filter crosses to-many relations (contacts, units) that
    # would repeat signings in the sums.
    return Signing.objects.filter(event=event, project__in=Project.objects.visible_to(user).values("pk"))


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
