"""Investors: the enterprises (and institutions) that sign projects, and what each is looking for."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel
from investledger.core.money import MONEY_FIELD, AmountValidator
from investledger.reference.choices import CooperationMode
from investledger.reference.models import Area, Sector


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
        MIXED = "mixed", _("Mixed ownership")
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
    # Counted up by each saved edit (investors/services.py): an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Seen through the projects a reader may see: the rule is `core.access.investor_q`.
    access_via = ("investor", None)

    class Meta:
        ordering = ["name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        constraints = [models.UniqueConstraint(fields=["name"], name="investor_name_unique")]

    def __str__(self) -> str:
        return self.name


class InvestorProfile(BaseModel):
    """What an investor is looking for (投资意向): sectors, ticket size, regions, cooperation modes and
    stated plans, each fact with the source it was read from and the date it was stated.

    The matching of opportunities and investors reads it; the investor's page edits it (versioned,
    audited, seen and changed as the investor is).
    """

    class Fact(models.TextChoices):
        SECTORS = "sectors", _("Sectors of interest")
        TICKET = "ticket", _("Ticket size")
        REGIONS = "regions", _("Preferred regions")
        MODES = "modes", _("Cooperation modes")
        OWNERSHIP = "ownership", _("Ownership")
        PLANS = "plans", _("Stated plans")

    investor = models.OneToOneField(
        Investor, verbose_name=_("investor"), on_delete=models.CASCADE, related_name="profile"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors of interest"), blank=True, related_name="+")
    ticket_min_cny = models.DecimalField(
        _("smallest ticket (CNY)"), **MONEY_FIELD, null=True, blank=True, validators=[AmountValidator()]
    )
    ticket_max_cny = models.DecimalField(
        _("largest ticket (CNY)"), **MONEY_FIELD, null=True, blank=True, validators=[AmountValidator()]
    )
    regions = models.ManyToManyField(Area, verbose_name=_("preferred regions"), blank=True, related_name="+")
    modes = models.JSONField(_("cooperation modes"), default=list, blank=True)
    plans = models.TextField(_("stated plans"), blank=True)
    # {fact: {"text": ..., "url": ..., "on": "YYYY-MM-DD"}}: where each stated fact was read, and when.
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("investor", "investor")
    audit_m2m = ("sectors", "regions")

    class Meta:
        ordering = ["investor__name"]
        verbose_name = _("investor profile")
        verbose_name_plural = _("investor profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket_min_cny__isnull=True)
                | models.Q(ticket_max_cny__isnull=True)
                | models.Q(ticket_min_cny__lte=models.F("ticket_max_cny")),
                name="investor_profile_ticket_range",
            )
        ]
        indexes = [models.Index(fields=["ticket_min_cny", "ticket_max_cny"], name="investor_profile_ticket_idx")]

    def __str__(self) -> str:
        return str(self.investor)

    def clean(self):
        errors: dict[str, list] = {}
        low, high = self.ticket_min_cny, self.ticket_max_cny
        if low is not None and high is not None and low > high:
            errors.setdefault("ticket_max_cny", []).append(
                _("The largest ticket is smaller than the smallest; give the range from small to large.")
            )
        if not isinstance(self.modes, list) or any(m not in CooperationMode.values for m in self.modes):
            errors.setdefault("modes", []).append(_("Choose cooperation modes from the list."))
        for fact, problem in source_problems(self.sources or {}):
            errors.setdefault(f"source_{fact}", []).append(problem)
        if errors:
            raise ValidationError(errors)


SOURCE_TEXT_MAX = 300


def source_problems(sources) -> list[tuple[str, str]]:
    """What is wrong with a profile's sources, as (fact, message) pairs: an unknown fact, a text too
    long, an address that is not one, a date that is not a date."""
    if not isinstance(sources, dict):
        return [("", str(_("The sources must be given per fact.")))]
    problems: list[tuple[str, str]] = []
    for fact, source in sources.items():
        if fact not in InvestorProfile.Fact.values or not isinstance(source, dict):
            problems.append((str(fact), str(_("“%(fact)s” is not a fact of a profile.") % {"fact": fact})))
            continue
        label = InvestorProfile.Fact(fact).label
        if len(str(source.get("text", ""))) > SOURCE_TEXT_MAX:
            problems.append(
                (
                    fact,
                    _("%(fact)s: the source is longer than %(max)s characters.")
                    % {"fact": label, "max": SOURCE_TEXT_MAX},
                )
            )
        url = source.get("url") or ""
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                problems.append((fact, _("%(fact)s: “%(url)s” is not a web address.") % {"fact": label, "url": url}))
        on = source.get("on") or ""
        if on:
            try:
                dt.date.fromisoformat(on)
            except (TypeError, ValueError):
                problems.append((fact, _("%(fact)s: “%(on)s” is not a date.") % {"fact": label, "on": on}))
    return problems


def ledger_projects() -> models.Manager:
    """The projects' manager. Projects sit above investors (a project names its investor and co-investors):
    investors reach them through the reverse relations (`Investor.projects`, `co_projects`), never by
    importing the projects app."""
    return Investor._meta.get_field("projects").related_model._default_manager
