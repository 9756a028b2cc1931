"""Matching opportunities and investors: the weights the bureau gives each reason."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel
from investledger.matching import scoring


def _weight(label, default: str):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class MatchWeights(BaseModel):
    """How many points each reason gives a match that fits fully (the bureau edits them; one record).

    A reason that fits partly gives its share of the points (a ticket range half reached, a
    neighbouring sector); a weight of 0 leaves the reason out. The defaults add up to 100.
    """

    sector = _weight(_("sector fit"), "35")
    size = _weight(_("size fit"), "20")
    region = _weight(_("region preference"), "15")
    mode = _weight(_("cooperation mode preference"), "10")
    history = _weight(_("history in the city"), "15")
    text = _weight(_("text similarity"), "5")
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("reference", None)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("match weights")
        verbose_name_plural = _("match weights")

    def __str__(self) -> str:
        return str(_("Match weights"))

    @classmethod
    def current(cls) -> "MatchWeights":
        """The weights in force: the stored record, or the defaults until the bureau saves its own."""
        return cls.objects.order_by("pk").first() or cls()

    def as_mapping(self) -> dict[str, Decimal]:
        return {reason: getattr(self, reason) for reason in scoring.REASONS}

    @property
    def total(self) -> Decimal:
        return sum(self.as_mapping().values(), Decimal("0"))


class Dismissal(BaseModel):
    """A match a user set aside, with the reason: the investor no longer ranks for the opportunity.

    One per pair, and it holds for every reader, whoever dismissed it, until someone undoes it (the
    record is then deleted; its creation and its deletion stay in the audit trail). Seen by whoever
    sees the opportunity, and listed only where the reader may see the investor too.
    """

    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="match_dismissals",
    )
    investor = models.ForeignKey(
        "investors.Investor", verbose_name=_("investor"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    dismissed_on = models.DateField(_("dismissed on"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    access_via = ("area_or_unit", ("opportunity__host_area", "opportunity__list__publishing_unit"))

    class Meta:
        ordering = ["-dismissed_on", "-id"]
        verbose_name = _("dismissed match")
        verbose_name_plural = _("dismissed matches")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "investor"], name="dismissal_one_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.investor} × {self.opportunity}"
