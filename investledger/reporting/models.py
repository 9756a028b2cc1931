"""What the bureau configures about its figures: the district ranking formula and the published figures.

Reporting owns no ledger data. These two settings are edited in the administration.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel


def metric_choices():
    from investledger.reporting.metrics import METRICS, label

    return [(m.key, label(m)) for m in METRICS]


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
        from investledger.reporting.metrics import REGISTRY

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
        from investledger.reporting.cohort import Cohort

        return Cohort(self.area, self.sector, self.event, self.signed_from, self.signed_to)

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "en").startswith("zh"):
            return self.title or self.title_en or self.get_metric_display()
        return self.title_en or self.title or self.get_metric_display()
