"""What the bureau configures about its figures: the district ranking formula and the published figures.

Reporting owns no ledger data. These two settings are edited in the administration. The summary
cells below are derived from the ledger (never edited) to answer the dashboard quickly.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, ScopedQuerySet
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import METRICS, REGISTRY, label


def metric_choices():
    """The figures a ranking weighs or the public page shows: those over signed projects. Opportunity
    figures are left out: the ranking reads figures per area from the ledger's parts, and the public
    page withholds a figure by the number of signed projects of its cohort, which says nothing of how
    few projects an opportunity figure rests on."""
    return [(m.key, label(m)) for m in METRICS if m.source != "opportunities"]


# The formula used until the bureau sets its own: what supervisors usually weigh.
DEFAULT_WEIGHTS = [
    ("signed_value", Decimal("30")),
    ("start_rate_signed", Decimal("25")),
    ("production_rate", Decimal("15")),
    ("funds_in_place_rate", Decimal("20")),
    ("issue_resolution_rate", Decimal("10")),
]


class RankingWeight(BaseModel):
    """One term of the district ranking formula (区县排名): a metric and its weight.

    A rate scores its percentage; an amount or count scores its share of the best area's. The score is
    the weighted mean. With no active term the default formula applies (DEFAULT_WEIGHTS).
    """

    metric = models.CharField(_("metric"), max_length=40, unique=True, choices=metric_choices)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    active = models.BooleanField(_("in use"), default=True)

    access_via = ("reference", None)

    class Meta:
        ordering = ["-weight", "metric"]
        verbose_name = _("ranking weight")
        verbose_name_plural = _("ranking weights")
        constraints = [models.CheckConstraint(condition=models.Q(weight__gte=0), name="ranking_weight_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} × {self.weight}"

    @classmethod
    def formula(cls) -> list[tuple[str, Decimal]]:

        rows = [(w.metric, w.weight) for w in cls.objects.filter(active=True, weight__gt=0) if w.metric in REGISTRY]
        return rows or list(DEFAULT_WEIGHTS)


class PublishedFigure(BaseModel):
    """A figure the bureau publishes on the public page (no sign-in): a metric over a chosen cohort.

    Only aggregates are shown, and a figure over fewer projects than `PUBLIC_MINIMUM` is withheld so
    that no single project's amount can be read from it.
    """

    metric = models.CharField(_("metric"), max_length=40, choices=metric_choices)
    title = models.CharField(_("title shown (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title shown (English)"), max_length=200, blank=True)
    area = models.ForeignKey(
        "reference.Area", verbose_name=_("host area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sector = models.ForeignKey(
        "reference.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("signing event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_from = models.DateField(_("signed from"), null=True, blank=True)
    signed_to = models.DateField(_("signed to"), null=True, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("Empty: today."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    access_via = ("reference", None)

    PUBLIC_MINIMUM = 3

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self) -> str:
        return self.title or self.title_en or self.get_metric_display()

    def clean(self):
        if self.signed_from and self.signed_to and self.signed_to < self.signed_from:
            raise ValidationError({"signed_to": _("The end of the signing period cannot be before its start.")})

    def cohort(self):

        return Cohort(self.area, self.sector, self.event, self.signed_from, self.signed_to)

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("zh"):
            return self.title or self.title_en or self.get_metric_display()
        return self.title_en or self.title or self.get_metric_display()


# --- The dashboard summary: the ledger's figures pre-added per cell, exactly as the live computation ---


MONEY_SUM = {"max_digits": 24, "decimal_places": 2}


class CohortCell(models.Model):
    """The ledger's figures added up per host area and sector, signing month or both, as of a refresh day.

    Three grains answer the dashboard with few rows each: "as" (area, sector) for the key figures and
    the area and sector charts, "am" (area, month) for the month chart, "asm" (area, sector, month)
    when the cohort is a signing period or the month chart is of one sector.

    Written only by `reporting.summary` (the rebuild, and each recorded change for the cells it touched),
    from the very queryset the live computation aggregates (cohort.frame + metrics.parts), so a sum over
    cells equals the live figure. It is read only while `SummaryStamp` holds the audit chain's tail
    (every change since was applied to the cells) and the day is the same; otherwise figures are computed live.
    """

    grain = models.CharField(max_length=4)  # which keys are filled: GRAINS
    host_area = models.ForeignKey("reference.Area", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    sector = models.ForeignKey(
        "reference.Sector", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField(null=True)
    projects = models.BigIntegerField(default=0, db_default=0)
    disclosed = models.BigIntegerField(default=0, db_default=0)  # projects whose amount was made public
    value = models.DecimalField(null=True, **MONEY_SUM)
    outside = models.DecimalField(null=True, **MONEY_SUM)
    not_terminated = models.BigIntegerField(default=0, db_default=0)
    registered = models.BigIntegerField(default=0, db_default=0)
    started = models.BigIntegerField(default=0, db_default=0)
    completed = models.BigIntegerField(default=0, db_default=0)
    in_production = models.BigIntegerField(default=0, db_default=0)
    due_to_start = models.BigIntegerField(default=0, db_default=0)
    started_of_due = models.BigIntegerField(default=0, db_default=0)
    large_count = models.BigIntegerField(default=0, db_default=0)
    large_value = models.DecimalField(null=True, **MONEY_SUM)
    funds = models.DecimalField(null=True, **MONEY_SUM)
    light_green = models.BigIntegerField(default=0, db_default=0)
    light_yellow = models.BigIntegerField(default=0, db_default=0)
    light_red = models.BigIntegerField(default=0, db_default=0)
    light_none = models.BigIntegerField(default=0, db_default=0)

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "host_area")

    class Meta:
        verbose_name = _("dashboard summary cell")
        verbose_name_plural = _("dashboard summary cells")
        indexes = [models.Index(fields=["grain", "host_area"], name="cohortcell_grain_area_idx")]

    def __str__(self) -> str:
        return f"{self.host_area_id} · {self.sector_id} · {self.month:%Y-%m}"


class EventCell(models.Model):
    """Projects and signed value per first signing event and host area ("ea"), or with sector and signing
    month too ("easm"): the event chart."""

    grain = models.CharField(max_length=4)
    first_event = models.ForeignKey(
        "events.SigningEvent", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    host_area = models.ForeignKey("reference.Area", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    sector = models.ForeignKey(
        "reference.Sector", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField(null=True)
    projects = models.BigIntegerField(default=0, db_default=0)
    value = models.DecimalField(null=True, **MONEY_SUM)

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "host_area")

    class Meta:
        verbose_name = _("dashboard summary event cell")
        indexes = [models.Index(fields=["grain", "host_area"], name="eventcell_grain_area_idx")]
        verbose_name_plural = _("dashboard summary event cells")

    def __str__(self) -> str:
        return f"{self.first_event_id} · {self.host_area_id} · {self.month:%Y-%m}"


class SummaryStamp(models.Model):
    """When the summary cells were last rebuilt: the audit chain's tail then, and the as-of day."""

    chain_tail = models.BigIntegerField()
    as_of = models.DateField()
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    cells = models.PositiveIntegerField(default=0)

    access_via = ("reference", None)

    class Meta:
        verbose_name = _("dashboard summary stamp")
        verbose_name_plural = _("dashboard summary stamps")

    def __str__(self) -> str:
        return f"summary as of {self.as_of} at audit #{self.chain_tail}"
