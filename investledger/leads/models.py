"""Leads (招商线索), the pipeline they move through, and the referrers who bring them.

A lead is a prospective investor's interest before anything is signed: who (an investor on file or
just a name), what they want (sector, size, site), where it came from, which unit owns it (the first
to make contact: 首问负责制) and how far it got. A signed lead keeps the link to its project, and the
credit for it is split explicitly between the units and referrers who brought it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, BilingualNameMixin, ScopedQuerySet
from investledger.core.money import MONEY_FIELD, AmountValidator
from investledger.escalation.models import step_done_on
from investledger.leads.choices import (
    OPEN_STAGES,
    InteractionKind,
    LeadSource,
    LeadStage,
    ReferralStatus,
    ReferrerKind,
)

WORKING_DAYS = [MinValueValidator(1), MaxValueValidator(250)]


class Referrer(BilingualNameMixin, BaseModel):
    """An investment ambassador (a person, 招商大使) or a professional agency (an organisation, 中介机构)
    who refers investors to the city under an agreement, usually signed at a ceremony."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReferrerKind.choices)
    area = models.ForeignKey(
        "reference.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sectors = models.ManyToManyField("reference.Sector", verbose_name=_("sectors"), blank=True, related_name="+")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term to"), null=True, blank=True)
    appointed_at = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("appointed at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    is_demo = models.BooleanField(_("illustrative (demo)"), default=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("a deactivated referrer keeps its leads and credit but gets no new lead")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("reference", None)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("referrer")
        verbose_name_plural = _("referrers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_start__isnull=True)
                | models.Q(term_start__lte=models.F("term_end")),
                name="referrer_term_in_order",
                violation_error_message=_("The term cannot end before it starts."),
            )
        ]


class LeadClass(BaseModel):
    """Response deadlines for leads of a size and above, in working days: data the bureau edits.

    A lead takes the active class with the largest threshold it reaches (its size in yuan; a lead of
    unknown size takes the class of threshold 0, or the register's default 1 / 3 / 7 when there is
    none). A lead keeps the deadlines it was given when it was received: editing or deactivating a
    class changes those of the leads received afterwards.
    """

    name = models.CharField(_("name"), max_length=100)
    min_value_cny = models.DecimalField(_("from amount (yuan)"), **MONEY_FIELD, validators=[AmountValidator()])
    respond_days = models.PositiveSmallIntegerField(_("respond within (working days)"), validators=WORKING_DAYS)
    assess_days = models.PositiveSmallIntegerField(_("assess within (working days)"), validators=WORKING_DAYS)
    feedback_days = models.PositiveSmallIntegerField(_("feed back within (working days)"), validators=WORKING_DAYS)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("reference", None)

    DEFAULT_DAYS = (1, 3, 7)

    class Meta:
        ordering = ["-min_value_cny"]
        verbose_name = _("lead class")
        verbose_name_plural = _("lead classes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respond_days__lte=models.F("assess_days"))
                & models.Q(assess_days__lte=models.F("feedback_days")),
                name="lead_class_deadlines_in_order",
                violation_error_message=_("Deadlines must not shrink: respond ≤ assess ≤ feed back."),
            ),
            models.UniqueConstraint(
                fields=["min_value_cny"],
                condition=models.Q(active=True),
                name="lead_class_one_active_per_threshold",
                violation_error_message=_("An active lead class already starts at this amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.respond_days} / {self.assess_days} / {self.feedback_days}"


class LeadQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(stage__in=OPEN_STAGES)


class Lead(BaseModel):
    """A prospective investor's interest, followed from first contact to signing or loss."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    investor = models.ForeignKey(
        "investors.Investor",
        verbose_name=_("investor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    prospect_name = models.CharField(
        _("prospective investor"), max_length=200, blank=True, help_text=_("when the investor is not on file yet")
    )
    sector = models.ForeignKey(
        "reference.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    size_cny = models.DecimalField(
        _("intended investment (yuan)"), **MONEY_FIELD, null=True, blank=True, validators=[AmountValidator()]
    )
    need = models.TextField(_("what they want"), blank=True)
    site_needs = models.TextField(_("site needs"), blank=True, help_text=_("land, floor space, power, water..."))
    source = models.CharField(_("source"), max_length=12, choices=LeadSource.choices)
    referrer = models.ForeignKey(
        Referrer, verbose_name=_("referrer"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    source_event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_by_unit = models.ForeignKey(
        "reference.Unit",
        verbose_name=_("referring department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owning_unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="leads"
    )
    first_unit = models.ForeignKey(
        "reference.Unit",
        verbose_name=_("first contact (首问)"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    areas = models.ManyToManyField("reference.Area", verbose_name=_("areas concerned"), related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.NEW)
    received_on = models.DateField(_("received on"))
    lead_class = models.ForeignKey(
        LeadClass, verbose_name=_("lead class"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respond_by = models.DateField(_("respond by"), null=True, blank=True, editable=False)
    assess_by = models.DateField(_("assess by"), null=True, blank=True, editable=False)
    feedback_by = models.DateField(_("feed back by"), null=True, blank=True, editable=False)
    contacted_on = models.DateField(_("contacted on"), null=True, blank=True, editable=False)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True, editable=False)
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True, editable=False)
    level = models.PositiveSmallIntegerField(_("escalation level"), default=1, editable=False)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    lost_to = models.CharField(_("where it went"), max_length=200, blank=True)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
        editable=False,
    )
    interest = models.OneToOneField(
        "opportunities.Interest",
        verbose_name=_("expression of interest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
        editable=False,
    )
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("signed project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LeadQuerySet.as_manager()
    access_via = ("lead", None)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["stage", "owning_unit"], name="lead_stage_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(investor__isnull=True, prospect_name=""),
                name="lead_names_an_investor",
                violation_error_message=_("Name the investor: choose one on file or type the prospect's name."),
            ),
            models.CheckConstraint(
                condition=~models.Q(stage=LeadStage.LOST, lost_reason=""),
                name="lead_lost_has_reason",
                violation_error_message=_("Say why the lead was lost."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.investor_label}"

    @property
    def investor_label(self) -> str:
        return str(self.investor) if self.investor_id else self.prospect_name

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    # The issue register's three steps, read on a lead: respond (first contact), assess, and feed back
    # (its "resolve": a decision given to the investor), so escalation's scan reads both alike.
    def deadline(self, step: str):
        return {"respond": self.respond_by, "assess": self.assess_by, "resolve": self.feedback_by}[step]

    def step_done_on(self, step: str):
        """When a step was done (`escalation.models.step_done_on`)."""
        return step_done_on(
            [("respond", self.contacted_on), ("assess", self.assessed_on), ("resolve", self.fed_back_on)], step
        )


class LeadStageChange(models.Model):
    """One move of a lead between stages: the lead's stage log."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=LeadStage.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    objects = ScopedQuerySet.as_manager()
    access_via = ("lead", "lead")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_stage} → {self.to_stage}"


class Interaction(models.Model):
    """A visit, meeting, call or site tour with a lead's investor, and the next step agreed."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=12, choices=InteractionKind.choices)
    date = models.DateField(_("date"))
    people = models.CharField(_("people"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_via = ("lead", "lead")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Referral(models.Model):
    """A lead handed from one unit to another, accepted (the lead changes owner) or declined."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="referrals")
    from_unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("reference.Unit", verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_via = ("lead", "lead")

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_unit=models.F("to_unit")),
                name="referral_to_another_unit",
                violation_error_message=_("A lead cannot be referred to the unit that owns it."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_unit_id} → {self.to_unit_id}"


class CreditShare(models.Model):
    """A share of the credit for a signed lead, to a unit or a referrer; a lead's shares add to 100 %."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="credit_shares")
    unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer = models.ForeignKey(
        Referrer,
        verbose_name=_("referrer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_shares",
    )
    percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    objects = ScopedQuerySet.as_manager()
    access_via = ("lead", "lead")

    class Meta:
        ordering = ["-percent", "id"]
        verbose_name = _("credit share")
        verbose_name_plural = _("credit shares")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True, referrer__isnull=False)
                | models.Q(unit__isnull=False, referrer__isnull=True),
                name="credit_share_one_party",
                violation_error_message=_("A share goes to a unit or to a referrer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.referrer}: {self.percent} %"

    @property
    def party(self):
        return self.unit or self.referrer


class LeadEscalation(models.Model):
    """A lead's deadline passed: it went up a level, once per level (the same scan as issues')."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="escalations")
    missed_step = models.CharField(_("missed"), max_length=10)
    missed_deadline = models.DateField(_("deadline missed"))
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    reason = models.CharField(_("reason"), max_length=300)
    escalated_on = models.DateField(_("escalated on"))
    escalated_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    access_via = ("lead", "lead")

    class Meta:
        ordering = ["escalated_on", "id"]
        verbose_name = _("lead escalation")
        verbose_name_plural = _("lead escalations")
        constraints = [models.UniqueConstraint(fields=["lead", "to_level"], name="lead_escalation_once_per_level")]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.to_level}"
