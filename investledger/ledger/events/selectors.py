"""Event figures computed by the counting-once rule, within what the reader may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.core import access
from investledger.core.asof import latest_states, visible_states
from investledger.core.templatetags.ledger import money
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.reference.models import Sector

LARGE = Decimal("1000000000")


@dataclass
class SectorLine:
    sector_id: int | None
    sector: object
    count: int
    value_cny: Decimal
    undisclosed: int = 0  # counted projects of the sector whose amount was not made public

    @property
    def all_undisclosed(self) -> bool:
        """No counted project of the sector has a public amount: its value is unknown, not zero."""
        return self.count > 0 and self.undisclosed == self.count


@dataclass
class EventTotals:
    count: int
    value_cny: Decimal
    large_count: int
    strategic_value_cny: Decimal
    by_sector: list[SectorLine] = field(default_factory=list)
    # How the signings make up the counts (None where not known, as in totals rebuilt for a past date).
    breakdown: Breakdown | None = None

    @property
    def strategic_share(self) -> Decimal | None:
        return (self.strategic_value_cny / self.value_cny) if self.value_cny else None

    @property
    def notes(self) -> list[str]:
        """Why the counts are what they are: upgrades, capital increases, re-signings, undisclosed amounts."""
        return self.breakdown.notes(self.count) if self.breakdown else []

    @property
    def average_disclosed(self) -> Decimal | None:
        """Average counted amount per project whose amount was made public: undisclosed ones stay out."""
        if self.breakdown is None:
            return None
        disclosed = self.count - self.breakdown.undisclosed
        return (self.value_cny / disclosed).quantize(Decimal("0.01")) if disclosed > 0 else None


@dataclass
class Breakdown:
    """What the event's signings are, under the counting-once rule."""

    first_signed: int  # projects first signed at this event (counted in full)
    upgrades: int  # upgrades of projects signed before: a project each, no amount
    investor_changes: int  # changes of investor: counted in full here
    capital_increases: int  # counted as their increment only, not as projects
    increments_cny: Decimal
    resignings: int  # add nothing
    undisclosed: int  # counted projects whose amount was not made public

    def notes(self, counted: int) -> list[str]:
        """Sentences explaining why the count differs from the projects first signed here."""
        out = []
        if counted != self.first_signed:
            reasons = []
            if self.upgrades:
                reasons.append(
                    ngettext(
                        "%(count)d upgrade counted as a project without amount",
                        "%(count)d upgrades counted as projects without amount",
                        self.upgrades,
                    )
                    % {"count": self.upgrades}
                )
            if self.investor_changes:
                reasons.append(
                    ngettext(
                        "%(count)d change of investor counted in full",
                        "%(count)d changes of investor counted in full",
                        self.investor_changes,
                    )
                    % {"count": self.investor_changes}
                )
            out.append(
                _("%(counted)d counted, %(signed)d signed projects: %(reasons)s.")
                % {"counted": counted, "signed": self.first_signed, "reasons": "; ".join(reasons)}
            )
        if self.capital_increases:
            out.append(
                ngettext(
                    "%(count)d capital increase adds only its increment (%(value)s), not a project.",
                    "%(count)d capital increases add only their increments (%(value)s), not projects.",
                    self.capital_increases,
                )
                % {"count": self.capital_increases, "value": money(self.increments_cny)}
            )
        if self.resignings:
            out.append(
                ngettext(
                    "%(count)d re-signing of a project counted at an earlier event adds nothing.",
                    "%(count)d re-signings of projects counted at earlier events add nothing.",
                    self.resignings,
                )
                % {"count": self.resignings}
            )
        if self.undisclosed:
            out.append(
                ngettext(
                    "%(count)d project with an undisclosed amount counts as a project and stays out of value "
                    "shares and averages.",
                    "%(count)d projects with undisclosed amounts count as projects and stay out of value "
                    "shares and averages.",
                    self.undisclosed,
                )
                % {"count": self.undisclosed}
            )
        return out


def counted_signings_of(event_ids, user):
    """Signings at these events, limited to projects the user may see (all of them city-wide)."""
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
    """{event id: project_count, signed_value_cny, large_project_count, strategic_emerging_value_cny,
    undisclosed_project_count}.

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
            undisclosed_project_count=Count("pk", filter=Q(counted_project=True, project__value_undisclosed=True)),
            strategic_emerging_value_cny=Coalesce(
                Sum("counted_value_cny", filter=Q(project__sector__strategic_emerging=True)), zero, output_field=money
            ),
        )
        .order_by()
    )
    return {row.pop("event_id"): row for row in rows}


def event_totals(event, user) -> EventTotals:
    qs = counted_signings(event, user)
    later = ~Q(project__first_event_id=F("event_id"))  # not the project's first signing
    agg = qs.aggregate(
        count=Count("id", filter=Q(counted_project=True)),
        value=Sum("counted_value_cny"),
        large=Count("id", filter=Q(counted_project=True, counted_value_cny__gte=LARGE)),
        strategic=Sum("counted_value_cny", filter=Q(project__sector__strategic_emerging=True)),
        first=Count("id", filter=Q(counted_project=True, project__first_event_id=F("event_id"))),
        upgrades=Count("id", filter=later & Q(counted_project=True, kind=SigningKind.UPGRADE)),
        changes=Count("id", filter=later & Q(counted_project=True, kind=SigningKind.INVESTOR_CHANGE)),
        increases=Count("id", filter=later & Q(kind=SigningKind.CAPITAL_INCREASE)),
        increments=Sum("counted_value_cny", filter=later & Q(kind=SigningKind.CAPITAL_INCREASE)),
        resignings=Count("id", filter=later & Q(kind=SigningKind.RESIGNING)),
        undisclosed=Count("id", filter=Q(counted_project=True, project__value_undisclosed=True)),
    )
    rows = (
        qs.values("project__sector")
        .annotate(
            count=Count("id", filter=Q(counted_project=True)),
            value=Sum("counted_value_cny"),
            undisclosed=Count("id", filter=Q(counted_project=True, project__value_undisclosed=True)),
        )
        .order_by("-value")
    )
    sectors = Sector.objects.in_bulk([r["project__sector"] for r in rows])
    lines = [
        SectorLine(
            r["project__sector"],
            sectors.get(r["project__sector"]),
            r["count"],
            r["value"] or Decimal("0"),
            r["undisclosed"],
        )
        for r in rows
    ]
    return EventTotals(
        count=agg["count"] or 0,
        value_cny=agg["value"] or Decimal("0"),
        large_count=agg["large"] or 0,
        strategic_value_cny=agg["strategic"] or Decimal("0"),
        by_sector=lines,
        breakdown=Breakdown(
            first_signed=agg["first"],
            upgrades=agg["upgrades"],
            investor_changes=agg["changes"],
            capital_increases=agg["increases"],
            increments_cny=agg["increments"] or Decimal("0"),
            resignings=agg["resignings"],
            undisclosed=agg["undisclosed"],
        ),
    )


def event_totals_as_of(event, user, when: dt.datetime):
    """`event_totals` as the ledger stood at `when` (the counting-once rule's results then)."""
    signings = [s for s in latest_states(Signing, when).values() if s.get("event_id") == event.pk]
    project_states = visible_states(user, latest_states(Project, when, {s["project_id"] for s in signings}))
    count = large = 0
    value = strategic = Decimal("0")
    lines: dict[int | None, list] = {}
    sectors = Sector.objects.in_bulk({p.get("sector_id") for p in project_states.values()})
    for signing in signings:
        project = project_states.get(str(signing["project_id"]))
        if project is None:
            continue
        counted_value = Decimal(signing.get("counted_value_cny") or "0")
        counted = bool(signing.get("counted_project"))
        sector_id = project.get("sector_id")
        line = lines.setdefault(sector_id, [0, Decimal("0"), 0])
        value += counted_value
        line[1] += counted_value
        if counted:
            count += 1
            line[0] += 1
            if project.get("value_undisclosed"):
                line[2] += 1
            if counted_value >= LARGE:
                large += 1
        sector = sectors.get(sector_id)
        if sector is not None and sector.strategic_emerging:
            strategic += counted_value
    by_sector = [
        SectorLine(sid, sectors.get(sid), c, v, u) for sid, (c, v, u) in sorted(lines.items(), key=lambda kv: -kv[1][1])
    ]
    return EventTotals(
        count=count, value_cny=value, large_count=large, strategic_value_cny=strategic, by_sector=by_sector
    )
