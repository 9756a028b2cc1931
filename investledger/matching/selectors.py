"""Reading the ledger into the scoring's inputs: candidates chosen in the database, scored in Python.

The database narrows a match to its candidates with indexed filters (the sectors of the
opportunity's industry chain, a ticket range within `SIZE_BAND` of its amount, or projects already
in its area), and hands over the `SHORTLIST` likeliest of them (`shortlisted`); `scoring.score` then
ranks those with their reasons. Every read starts from what the
user may see: another district's investors are never candidates, and history counts only projects
the reader may see.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from investledger.ledger.investors.models import Investor, InvestorProfile
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity
from investledger.ledger.projects.models import Project
from investledger.matching import scoring
from investledger.matching.models import Dismissal, MatchWeights
from investledger.reference.models import Area, Sector

# A candidate's ticket range comes within this factor of the opportunity's amount (size fit ≥ 1/4).
SIZE_BAND = Decimal(4)
# How many candidates the database hands over to be scored, the likeliest first (see `shortlisted`).
# The pages show 10 and the API at most 50; 500 cost 3 queries of 500 ids and 500 exact scores per call
# (docs/benchmarks.md, "Matching").
SHORTLIST = 200
MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
SectorLinks = InvestorProfile.sectors.through
RegionLinks = InvestorProfile.regions.through


def taxonomy() -> scoring.Taxonomy:
    return scoring.Taxonomy(dict(Sector.objects.values_list("pk", "parent_id")))


def size_band_q(amount: Decimal | None, low: str, high: str) -> Q:
    """Ranges (`low`..`high`, either open) that reach within `SIZE_BAND` of `amount`; all when unknown."""
    if amount is None:
        return Q()
    return (Q(**{f"{high}__isnull": True}) | Q(**{f"{high}__gte": amount / SIZE_BAND})) & (
        Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__lte": amount * SIZE_BAND})
    )


def profile_candidates(opportunity: scoring.Opportunity, user, tax: scoring.Taxonomy) -> QuerySet:
    """The profiles `user` may see that could match `opportunity`: its sector, or one above or below it in
    the chain, or projects in its area; and a ticket range near its amount. (Neighbouring sectors score
    too, but alone they never make a candidate.)"""
    chain = tax.lineage_of(opportunity.sector_ids)
    by_sector = SectorLinks.objects.filter(sector_id__in=chain).values("investorprofile_id")
    in_area = Project.objects.filter(host_area__path__startswith=opportunity.area_path).values("investor_id")
    return (
        InvestorProfile.objects.visible_to(user)
        .filter(Q(pk__in=by_sector) | Q(investor_id__in=in_area))
        .filter(size_band_q(opportunity.amount_cny, "ticket_min_cny", "ticket_max_cny"))
    )


def _points(condition, weight: Decimal):
    return Case(When(condition, then=Value(weight)), default=Value(Decimal("0")), output_field=MONEY)


def shortlisted(candidates: QuerySet, opportunity: scoring.Opportunity, weights: dict[str, Decimal]) -> QuerySet:
    """The `SHORTLIST` candidates the database ranks first by the reasons it can weigh in one pass over
    indexes: the opportunity's own sector named, its amount inside the ticket range, its area under a
    preferred region, each worth its full weight, and projects already in its area, worth the area's
    share of the history's weight. The exact score, with partial fits, mode, history and
    text, is computed in Python for these only."""
    area_ids = [int(x) for x in opportunity.area_path.strip("/").split("/") if x]
    amount = opportunity.amount_cny
    size = Value(Decimal("0"), output_field=MONEY)
    if amount is not None:
        inside = (
            (Q(ticket_min_cny__isnull=True) | Q(ticket_min_cny__lte=amount))
            & (Q(ticket_max_cny__isnull=True) | Q(ticket_max_cny__gte=amount))
            & ~(Q(ticket_min_cny__isnull=True) & Q(ticket_max_cny__isnull=True))
        )
        size = _points(inside, weights[scoring.SIZE])
    same_sector = Exists(
        SectorLinks.objects.filter(investorprofile_id=OuterRef("pk"), sector_id__in=opportunity.sector_ids)
    )
    in_region = Exists(RegionLinks.objects.filter(investorprofile_id=OuterRef("pk"), area_id__in=area_ids))
    in_area = Exists(
        Project.objects.filter(investor_id=OuterRef("investor_id"), host_area__path__startswith=opportunity.area_path)
    )
    likely = (
        _points(Q(same_sector), weights[scoring.SECTOR])
        + size
        + _points(Q(in_region), weights[scoring.REGION])
        + _points(Q(in_area), weights[scoring.HISTORY] * scoring.HISTORY_AREA_SHARE)
    )
    ranked = candidates.annotate(likely=likely).order_by(F("likely").desc(), "pk")
    return candidates.model.objects.filter(pk__in=list(ranked.values_list("pk", flat=True)[:SHORTLIST]))


def profiles_of(candidates: QuerySet) -> list[scoring.Profile]:
    """The scoring's view of each profile: three queries, whatever the number of candidates.

    The candidates are read first and their links looked up by the ids themselves: a subquery here
    made PostgreSQL hash the whole links table (100,000 rows) to find a few hundred."""
    rows = list(
        candidates.order_by().values_list("pk", "investor_id", "ticket_min_cny", "ticket_max_cny", "modes", "plans")
    )
    ids = [row[0] for row in rows]
    sectors: dict[int, set[int]] = defaultdict(set)
    for profile_id, sector_id in SectorLinks.objects.filter(investorprofile_id__in=ids).values_list(
        "investorprofile_id", "sector_id"
    ):
        sectors[profile_id].add(sector_id)
    regions: dict[int, list[str]] = defaultdict(list)
    for profile_id, path in RegionLinks.objects.filter(investorprofile_id__in=ids).values_list(
        "investorprofile_id", "area__path"
    ):
        regions[profile_id].append(path)
    return [
        scoring.Profile(
            investor_id=investor_id,
            sector_ids=frozenset(sectors.get(pk, ())),
            ticket_min=low,
            ticket_max=high,
            region_paths=tuple(regions.get(pk, ())),
            modes=frozenset(modes or ()),
            text=plans,
        )
        for pk, investor_id, low, high, modes, plans in rows
    ]


def countable(visible: QuerySet) -> QuerySet:
    """`visible` ready to be grouped and summed: a scope that crosses to-many relations (a unit's or a
    contact's projects) is distinct rows, read then as a set of ids; any other is filtered in place, so
    that a city-wide reader's sums do not semi-join every project."""
    if visible.query.distinct:
        return visible.model.objects.filter(pk__in=visible.values("pk"))
    return visible


def histories(investor_ids, user, area_path: str) -> dict[int, scoring.History]:
    """Each investor's projects the user may see: in the city, and in the area at `area_path` and under it."""
    in_area = Q(host_area__path__startswith=area_path)
    rows = (
        countable(Project.objects.visible_to(user))
        .filter(investor_id__in=list(investor_ids))
        .order_by()
        .values("investor_id")
        .annotate(
            n=Count("pk"),
            value=Coalesce(Sum("contract_value_cny"), ZERO),
            area_n=Count("pk", filter=in_area),
            area_value=Coalesce(Sum("contract_value_cny", filter=in_area), ZERO),
        )
    )
    return {r["investor_id"]: scoring.History(r["n"], r["value"], r["area_n"], r["area_value"]) for r in rows}


def investors_for(
    opportunity: scoring.Opportunity,
    user,
    *,
    limit: int | None = 20,
    exclude_investors: QuerySet | None = None,
) -> list[scoring.Match]:
    """The investors that fit `opportunity` best, with their reasons, among those `user` may see."""
    tax = taxonomy()
    weights = MatchWeights.current().as_mapping()
    candidates = profile_candidates(opportunity, user, tax).exclude(
        investor_id__in=Dismissal.objects.filter(opportunity_id=opportunity.id).values("investor_id")
    )
    if exclude_investors is not None:
        candidates = candidates.exclude(investor_id__in=exclude_investors)
    candidates = shortlisted(candidates, opportunity, weights)
    profiles = profiles_of(candidates)
    history = histories([p.investor_id for p in profiles], user, opportunity.area_path)
    empty = scoring.History()
    matches = [
        scoring.score(opportunity, p, history=history.get(p.investor_id, empty), weights=weights, taxonomy=tax)
        for p in profiles
    ]
    return scoring.ranked(matches, limit)


def area_path(area_id: int) -> str:
    return Area.objects.values_list("path", flat=True).get(pk=area_id)


def opportunity_input(opportunity) -> scoring.Opportunity:
    """The scoring's view of a stored opportunity (`opportunities.Opportunity`): its sectors, amount in
    CNY, host area, cooperation mode and description."""
    return scoring.Opportunity(
        id=opportunity.pk,
        sector_ids=frozenset(opportunity.sectors.values_list("pk", flat=True)),
        amount_cny=opportunity.estimated_value_cny,
        area_path=opportunity.host_area.path,
        mode=opportunity.cooperation_mode,
        text=opportunity.description or opportunity.description_en,
    )


def dismissed_for(opportunity, user) -> QuerySet:
    """The matches dismissed for `opportunity` whose investor `user` may see, latest first."""
    return (
        Dismissal.objects.visible_to(user)
        .filter(opportunity=opportunity, investor__in=Investor.objects.visible_to(user).values("pk"))
        .select_related("investor", "dismissed_by")
    )


def dismissed_of(investor, user) -> QuerySet:
    """The matches dismissed for `investor` on opportunities `user` may see, latest first."""
    return (
        Dismissal.objects.visible_to(user)
        .filter(investor=investor)
        .select_related("opportunity", "opportunity__host_area", "dismissed_by")
    )


def opportunity_candidates(profile: scoring.Profile, user, tax: scoring.Taxonomy) -> QuerySet:
    """The open or in-talks opportunities `user` may see that could match `profile`: in the chain of its
    sectors (the same sector, or one above or below), or hosted in one of its preferred regions; and an
    estimated investment within `SIZE_BAND` of its ticket range, or none published."""
    where = Q(
        pk__in=Opportunity.sectors.through.objects.filter(sector_id__in=tax.lineage_of(profile.sector_ids)).values(
            "opportunity_id"
        )
    )
    for path in profile.region_paths:
        where |= Q(host_area__path__startswith=path)
    size = Q()
    if profile.ticket_min is not None:
        size &= Q(estimated_value_cny__gte=profile.ticket_min / SIZE_BAND)
    if profile.ticket_max is not None:
        size &= Q(estimated_value_cny__lte=profile.ticket_max * SIZE_BAND)
    return (
        Opportunity.objects.visible_to(user)
        .filter(status__in=[Status.OPEN, Status.IN_TALKS])
        .filter(where)
        .filter(Q(estimated_value_cny__isnull=True) | size)
        .exclude(pk__in=Dismissal.objects.filter(investor_id=profile.investor_id).values("opportunity_id"))
    )


def opportunities_for(investor, user, *, limit: int | None = 10) -> list[scoring.Match]:
    """The opportunities that fit `investor`'s profile best, with their reasons, among those `user` may see
    (the `SHORTLIST` first candidates by estimated investment, then scored exactly)."""
    found = profiles_of(InvestorProfile.objects.filter(investor=investor))
    if not found:
        return []
    profile = found[0]
    tax = taxonomy()
    weights = MatchWeights.current().as_mapping()
    ids = list(
        opportunity_candidates(profile, user, tax)
        .order_by(F("estimated_value_cny").desc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[:SHORTLIST]
    )
    sectors: dict[int, set[int]] = defaultdict(set)
    for opportunity_id, sector_id in Opportunity.sectors.through.objects.filter(opportunity_id__in=ids).values_list(
        "opportunity_id", "sector_id"
    ):
        sectors[opportunity_id].add(sector_id)
    projects = list(
        countable(Project.objects.visible_to(user))
        .filter(investor=investor)
        .values_list("host_area__path", "contract_value_cny")
    )
    city = scoring.History(len(projects), sum((v for _p, v in projects), Decimal("0")))
    matches = []
    rows = Opportunity.objects.filter(pk__in=ids).values_list(
        "pk", "estimated_value_cny", "host_area__path", "cooperation_mode", "description", "description_en"
    )
    for pk, amount, path, mode, text, text_en in rows:
        here = [v for p, v in projects if p.startswith(path)]
        history = scoring.History(city.city_projects, city.city_value, len(here), sum(here, Decimal("0")))
        opportunity = scoring.Opportunity(pk, frozenset(sectors.get(pk, ())), amount, path, mode, text or text_en)
        matches.append(scoring.score(opportunity, profile, history=history, weights=weights, taxonomy=tax))
    return scoring.ranked(matches, limit)
