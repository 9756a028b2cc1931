"""The canonical project record and its appearances at signing events."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, ScopedQuerySet
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
from investledger.ledger.projects.choices import (
    AgreementType,
    Currency,
    Light,
    SideState,
    SigningKind,
    Stage,
    stages_from,
)

MONEY = MONEY_FIELD  # in yuan; `core.money` holds the bound every amount is checked against
AMOUNT = [AmountValidator()]


def in_area_q(area, prefix: str = "") -> models.Q:
    """The one definition of "the projects of an area": hosted by the area itself or any area under it.

    `prefix` reaches the project from another model ("project__" for issues, lights...).
    """
    return models.Q(**{f"{prefix}host_area__path__startswith": area.path})


class ProjectQuerySet(ScopedQuerySet):
    def in_area(self, area):
        """Projects of the area: hosted by it or by any area under it (a district's parks)."""
        return self.filter(in_area_q(area))

    def active(self):
        return self.exclude(side_state=SideState.TERMINATED)

    def at_or_after(self, stage: str):
        return self.filter(stage__in=stages_from(stage))

    def large(self, threshold=Decimal("1000000000")):
        return self.filter(contract_value_cny__gte=threshold)


# Planned dates that must come in this order (checked by `Project.clean`, once per imported row too).
_PLANNED_DATE_ORDER = (
    ("planned_start", "planned_completion", _("Planned completion cannot be before the planned start.")),
    ("planned_completion", "planned_production", _("Planned production cannot be before the planned completion.")),
    ("planned_start", "planned_production", _("Planned production cannot be before the planned start.")),
)


class Project(BaseModel):
    """A signed investment project (项目): the one canonical record the bureau follows to production.

    Amounts are Decimal. `contract_value` is in `currency`; `contract_value_cny` is that amount at
    `fx_rate` recorded on `fx_date`, and every total in the product sums the CNY amount. A project is
    counted once, under its first signing event (`first_event`); later signings add no amount unless
    the counting rule says so (see `services.recount_signings`).
    """

    # Unique through Meta.constraints, not `unique=True`: on PostgreSQL a unique field also gets a
    # varchar_pattern_ops index for LIKE, and the one prefix search (the last reference of a year, once
    # per year) reads the unique index backwards instead.
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    name = models.CharField(_("project name"), max_length=300)
    investor = models.ForeignKey(
        "investors.Investor", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects"
    )
    co_investors = models.ManyToManyField(
        "investors.Investor", verbose_name=_("co-investors"), blank=True, related_name="co_projects"
    )
    # No index of their own: the composite indexes in Meta lead with these columns.
    host_area = models.ForeignKey(
        "reference.Area",
        verbose_name=_("host area"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    sector = models.ForeignKey(
        "reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="projects", db_index=False
    )
    agreement_type = models.CharField(
        _("agreement type"), max_length=16, choices=AgreementType.choices, default=AgreementType.CONTRACT
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    contract_value = models.DecimalField(_("contract investment"), validators=AMOUNT, **MONEY)
    fx_rate = models.DecimalField(
        _("exchange rate to CNY"), default=Decimal("1"), validators=[RateValidator()], **RATE_FIELD
    )
    fx_date = models.DateField(_("rate date"), null=True, blank=True)
    contract_value_cny = models.DecimalField(_("contract investment (CNY)"), editable=False, validators=AMOUNT, **MONEY)
    outside_value_cny = models.DecimalField(_("outside money (CNY)"), null=True, blank=True, validators=AMOUNT, **MONEY)
    fixed_asset_value_cny = models.DecimalField(
        _("fixed-asset investment (CNY)"), null=True, blank=True, validators=AMOUNT, **MONEY
    )
    value_approximate = models.BooleanField(_("amount is approximate"), default=False)
    value_estimated = models.BooleanField(_("amount is estimated"), default=False)
    value_undisclosed = models.BooleanField(
        _("amount undisclosed"),
        default=False,
        help_text=_(
            "No amount was made public: the project counts, its amount (kept at 0) stays out of value figures."
        ),
    )
    planned_jobs = models.PositiveIntegerField(_("planned jobs"), null=True, blank=True)
    planned_start = models.DateField(_("planned construction start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    planned_production = models.DateField(_("planned production"), null=True, blank=True)
    lead_unit = models.ForeignKey(
        "reference.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    involved_units = models.ManyToManyField(
        "reference.Unit", verbose_name=_("units that must act"), blank=True, related_name="involved_projects"
    )
    responsible_leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    commissioner = models.CharField(_("project commissioner"), max_length=100, blank=True)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("project contacts"), blank=True, related_name="contact_projects"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SIGNED)
    side_state = models.CharField(_("side state"), max_length=12, choices=SideState.choices, blank=True, default="")
    side_state_reason = models.TextField(_("reason"), blank=True)
    side_state_date = models.DateField(_("since"), null=True, blank=True)
    # The current light: that of the latest assessment by its date, set by supervision through
    # services.project_set_light; blank until the project is first assessed.
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, blank=True, default="", editable=False)
    light_on = models.DateField(_("light since"), null=True, blank=True, editable=False)
    first_event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("first signed at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_projects",
        editable=False,
        db_index=False,
    )
    signed_on = models.DateField(_("signing date"), null=True, blank=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()
    access_via = ("project", "")
    audit_m2m = ("co_investors", "involved_units", "contacts")

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="project_reference_unique"),
            models.CheckConstraint(condition=models.Q(contract_value__gte=0), name="project_value_not_negative"),
            models.CheckConstraint(
                condition=models.Q(side_state="") | ~models.Q(side_state_reason=""),
                name="project_side_state_needs_reason",
            ),
        ]
        # Each filter column leads a composite index and has none of its own: host_area, sector,
        # first_event, stage, signed_on and contract_value_cny are found through these.
        indexes = [
            models.Index(fields=["host_area", "signed_on"], name="project_area_signed_idx"),
            models.Index(fields=["sector", "signed_on"], name="project_sector_signed_idx"),
            models.Index(fields=["first_event", "sector"], name="project_event_sector_idx"),
            models.Index(fields=["stage", "signed_on"], name="project_stage_signed_idx"),
            # The ledger's default and value orderings, with the id that makes pages stable.
            models.Index(fields=["signed_on", "id"], name="project_signed_id_idx"),
            models.Index(fields=["contract_value_cny", "id"], name="project_value_id_idx"),
            # Sorting by name. A Meta index, unlike db_index=True, adds no varchar_pattern_ops copy on
            # PostgreSQL: name searches are case-insensitive (UPPER(...) LIKE), served by the trigram index.
            models.Index(fields=["name"], name="project_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}" if self.reference else self.name

    def clean(self):
        errors = {}
        for earlier, later, message in _PLANNED_DATE_ORDER:
            a, b = getattr(self, earlier), getattr(self, later)
            if a and b and b < a and later not in errors:
                errors[later] = message
        # A foreign amount at the default rate of 1 means the rate was never given.
        if self.currency != Currency.CNY and (self.fx_rate is None or self.fx_rate <= 0 or self.fx_rate == 1):
            errors["fx_rate"] = _("Give the exchange rate used to convert this amount to CNY.")
        if self.currency != Currency.CNY and not self.fx_date:
            errors["fx_date"] = _("Give the date of the exchange rate.")
        if self.value_undisclosed and self.contract_value:
            errors["contract_value"] = _(
                "An undisclosed amount is kept at 0: clear the amount or untick “undisclosed”."
            )
        if self.side_state and not (self.side_state_reason or "").strip():
            errors["side_state_reason"] = _("A stalled, suspended or terminated project needs a reason.")
        if self.side_state and not self.side_state_date:
            errors["side_state_date"] = _("Give the date since when the project is in this state.")
        # The amounts are compared only once each is a valid one (the field validators name the others).
        value, rate, outside = self.contract_value, self.fx_rate, self.outside_value_cny
        value_ok = value is not None and amount_problem(value) is None
        rate_ok = bool(rate) and rate_problem(rate) is None
        if value_ok and rate_ok and value * rate > AMOUNT_MAX and "contract_value" not in errors:
            errors["contract_value"] = ValidationError(
                _(
                    "At %(rate)s CNY per unit, %(value)s is %(cny)s yuan: more than the largest amount the ledger holds, %(limit)s yuan."
                ),
                code="amount_too_large",
                params={
                    "rate": f"{rate.normalize():f}",
                    "value": grouped(value),
                    "cny": grouped(value * rate),
                    "limit": grouped(AMOUNT_MAX),
                },
            )
        if outside is not None and value_ok and rate_ok and amount_problem(outside) is None and outside > value * rate:
            errors["outside_value_cny"] = _("Outside money cannot exceed the contract investment.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_large(self) -> bool:
        return self.contract_value_cny is not None and self.contract_value_cny >= Decimal("1000000000")


class Signing(BaseModel):
    """One appearance of a project at a signing event (签约记录), with the amount stated there.

    `counted_project` and `counted_value_cny` say what this signing adds to its event's totals under
    the counting-once rule; they are derived by `services.recount_signings`, never typed.
    """

    # No index of their own: signing_once_per_event leads with project, signing_event_counted_idx with event.
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="signings", db_index=False
    )
    event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="signings",
        db_index=False,
    )
    signed_on = models.DateField(_("signing date"))
    kind = models.CharField(_("kind"), max_length=16, choices=SigningKind.choices, default=SigningKind.NEW)
    stated_value_cny = models.DecimalField(
        _("amount stated (CNY)"),
        validators=AMOUNT,
        help_text=_("For a capital increase, the increment."),
        **MONEY,
    )
    counted_project = models.BooleanField(_("counts as a project"), default=True, editable=False)
    counted_value_cny = models.DecimalField(
        _("amount counted (CNY)"), default=0, editable=False, validators=AMOUNT, **MONEY
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    access_via = ("project", "project")

    class Meta:
        ordering = ["signed_on", "id"]
        verbose_name = _("signing")
        verbose_name_plural = _("signings")
        constraints = [
            models.UniqueConstraint(fields=["project", "event"], name="signing_once_per_event"),
            models.CheckConstraint(condition=models.Q(stated_value_cny__gte=0), name="signing_value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["event", "counted_project", "counted_value_cny"], name="signing_event_counted_idx")
        ]

    def __str__(self) -> str:
        return f"{self.project} @ {self.event}"


def signing_events() -> models.Manager:
    """The signing events' manager. Events sit above projects (their pages count the projects signed
    there): projects reach them through their own relations (`Signing.event`, `Project.first_event`,
    named by label), never by importing the events app."""
    return Signing._meta.get_field("event").related_model._default_manager
