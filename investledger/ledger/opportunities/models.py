"""Opportunity lists (机会清单): what a city offers investors before anything is signed.

A list is published by an area and a unit, usually released at a signing event; each opportunity on
it has a host area, a category from the bureau's codelist, a size, a way to cooperate and a status
that ends in a signed project (kept as a link) or a withdrawal. People who read the public catalogue
leave their interest, kept as an inbox item for the list's unit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, BilingualNameMixin, ScopedQuerySet
from investledger.core.money import (
    AMOUNT_MAX,
    MONEY_FIELD,
    RATE_FIELD,
    AmountValidator,
    RateValidator,
    amount_problem,
    grouped,
    rate_problem,
)
from investledger.ledger.opportunities.choices import CooperationMode, InterestState, LandUnit, Status
from investledger.ledger.projects.choices import Currency

AMOUNT = [AmountValidator()]


class BilingualTitleMixin(models.Model):
    """A record titled in Chinese (as published) and in English, shown in the reader's language."""

    title = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        if (get_language() or "en").startswith("zh"):
            return self.title or self.title_en
        return self.title_en or self.title

    def __str__(self) -> str:
        return self.label


class OpportunityCategory(BilingualNameMixin, BaseModel):
    """A category of the bureau's codelist of opportunities (urban functions, land, franchising...).

    Held like the sector taxonomy: a code, a name in both languages and a position; the bureau adds
    and renames categories in the administration.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access_via = ("reference", None)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("opportunity category")
        verbose_name_plural = _("opportunity categories")


class OpportunityList(BilingualTitleMixin, BaseModel):
    """A batch of opportunities (机会清单) an area publishes, often released at a signing event.

    Only a published list shows in the public catalogue; its totals (count, categories, estimated
    investment) are computed from its opportunities (`selectors.list_totals`), never typed.
    """

    publishing_area = models.ForeignKey(
        "reference.Area", verbose_name=_("publishing area"), on_delete=models.PROTECT, related_name="opportunity_lists"
    )
    publishing_unit = models.ForeignKey(
        "reference.Unit",
        verbose_name=_("publishing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity_lists",
    )
    released_on = models.DateField(_("release date"), null=True, blank=True)
    event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("released at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity_lists",
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Its open opportunities show in the public catalogue.")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("area_or_unit", ("publishing_area", "publishing_unit"))

    class Meta:
        ordering = ["-released_on", "-id"]
        verbose_name = _("opportunity list")
        verbose_name_plural = _("opportunity lists")


class OpportunityQuerySet(ScopedQuerySet):
    def public(self):
        """What the public catalogue shows: open opportunities of published lists, nothing else."""
        return self.filter(status=Status.OPEN, list__published=True)


class Opportunity(BilingualTitleMixin, BaseModel):
    """One investment opportunity (招商项目) on a list: a site, a franchise, a building, a stake to take up.

    The estimated investment is kept in its currency and, at `fx_rate`, in CNY (`estimated_value_cny`),
    which every total sums; `value_approximate` marks a figure published as "about". When signed,
    `project` links the project it became.
    """

    list = models.ForeignKey(
        OpportunityList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="opportunities"
    )
    category = models.ForeignKey(
        OpportunityCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="opportunities"
    )
    host_area = models.ForeignKey(
        "reference.Area", verbose_name=_("host area"), on_delete=models.PROTECT, related_name="opportunities"
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    land_area = models.DecimalField(
        _("land area"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[AmountValidator()]
    )
    land_area_unit = models.CharField(
        _("land area unit"), max_length=4, choices=LandUnit.choices, default=LandUnit.MU, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    estimated_value = models.DecimalField(
        _("estimated investment"), null=True, blank=True, validators=AMOUNT, **MONEY_FIELD
    )
    fx_rate = models.DecimalField(
        _("exchange rate to CNY"), default=Decimal("1"), validators=[RateValidator()], **RATE_FIELD
    )
    estimated_value_cny = models.DecimalField(
        _("estimated investment (CNY)"), null=True, blank=True, editable=False, validators=AMOUNT, **MONEY_FIELD
    )
    value_approximate = models.BooleanField(_("amount is approximate"), default=False)
    cooperation_mode = models.CharField(
        _("cooperation mode"), max_length=8, choices=CooperationMode.choices, default=CooperationMode.EQUITY
    )
    sectors = models.ManyToManyField(
        "reference.Sector", verbose_name=_("sectors"), blank=True, related_name="opportunities"
    )
    incentives = models.TextField(_("incentives"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    description = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False)
    status_on = models.DateField(_("status since"), null=True, blank=True, editable=False)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("signed as project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity",
        editable=False,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OpportunityQuerySet.as_manager()
    access_via = ("area_or_unit", ("host_area", "list__publishing_unit"))
    audit_m2m = ("sectors",)

    class Meta:
        ordering = ["list", "category__position", "id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="signed") | models.Q(project__isnull=False),
                name="opportunity_signed_has_project",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category"], name="opportunity_status_cat_idx"),
            models.Index(fields=["host_area", "status"], name="opportunity_area_status_idx"),
        ]

    @property
    def description_label(self) -> str:
        if (get_language() or "en").startswith("zh"):
            return self.description or self.description_en
        return self.description_en or self.description

    def clean(self):
        errors = {}
        if self.currency != Currency.CNY and (self.fx_rate is None or self.fx_rate <= 0 or self.fx_rate == 1):
            errors["fx_rate"] = _("Give the exchange rate used to convert this amount to CNY.")
        value, rate = self.estimated_value, self.fx_rate
        if (
            value is not None
            and rate
            and amount_problem(value) is None
            and rate_problem(rate) is None
            and value * rate > AMOUNT_MAX
        ):
            errors["estimated_value"] = ValidationError(
                _(
                    "At %(rate)s CNY per unit, %(value)s is more than the largest amount the ledger holds, %(limit)s yuan."
                ),
                code="amount_too_large",
                params={"rate": f"{rate.normalize():f}", "value": grouped(value), "limit": grouped(AMOUNT_MAX)},
            )
        if self.land_area is not None and not self.land_area_unit:
            errors["land_area_unit"] = _("Say in which unit the land area is given.")
        if self.host_area_id and self.list_id:
            publisher = self.list.publishing_area
            if not self.host_area.path.startswith(publisher.path):
                errors["host_area"] = _(
                    "The host area must be %(area)s or one of its sub-areas, which publish this list."
                ) % {"area": publisher.label}
        if errors:
            raise ValidationError(errors)


class StatusChange(BaseModel):
    """One move of an opportunity's status, with its reason and, for a signing, the project it became."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    access_via = ("area_or_unit", ("opportunity__host_area", "opportunity__list__publishing_unit"))

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_status or '-'} → {self.to_status}"


class Interest(BaseModel):
    """Someone's interest in an opportunity, left on the public catalogue: an inbox item for the list's unit.

    `client_key` is a keyed hash of the sender's address, kept only to limit how often one address may
    write; the address itself is not stored.
    """

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="interests"
    )
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    message = models.TextField(_("message"), max_length=2000)
    language = models.CharField(_("language"), max_length=10, blank=True)
    client_key = models.CharField(max_length=64, db_index=True, editable=False)
    state = models.CharField(_("state"), max_length=8, choices=InterestState.choices, default=InterestState.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_note = models.CharField(_("note"), max_length=500, blank=True)

    access_via = ("area_or_unit", ("opportunity__host_area", "opportunity__list__publishing_unit"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.opportunity}"
