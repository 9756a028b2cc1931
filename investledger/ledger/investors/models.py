"""Investors: the enterprises (and institutions) that sign projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel


class Investor(BaseModel):
    """An enterprise or institution that invests (客商 / 投资方), with its group, origin and ownership."""

    class Origin(models.TextChoices):
        LOCAL = "local", _("Local")
        OTHER_PROVINCE = "other_province", _("Other province")
        HMT = "hmt", _("Hong Kong, Macao or Taiwan")
        FOREIGN = "foreign", _("Foreign")

    class Ownership(models.TextChoices):
        CENTRAL_SOE = "central_soe", _("Central state-owned")
        LOCAL_SOE = "local_soe", _("Local state-owned")
        PRIVATE = "private", _("Private")
        FOREIGN = "foreign", _("Foreign-owned")
        INSTITUTION = "institution", _("University or institution")
        OTHER = "other", _("Other")

    # Its unique constraint is the index for lookups by name and ordering; search uses the trigram index.
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.OTHER_PROVINCE)
    country = models.CharField(_("country or region"), max_length=80, blank=True, default="")
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices, default=Ownership.PRIVATE)
    fortune_global_500 = models.BooleanField(_("Fortune Global 500"), default=False)
    china_top_500 = models.BooleanField(_("China top 500 enterprise"), default=False)
    listed = models.BooleanField(_("listed company"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # Seen through the projects a reader may see: the rule is `core.access.investor_q`.
    access_via = ("investor", None)

    class Meta:
        ordering = ["name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        constraints = [models.UniqueConstraint(fields=["name"], name="investor_name_unique")]

    def __str__(self) -> str:
        return self.name
