"""Follow-up and supervision: milestone plans with evidence, progress reports and computed lights.

Nothing here is typed by hand that can be derived: a project's stage follows its milestones met, and
its light is computed from a versioned rule set and stored with the rules that fired and the values
seen, so every colour can be explained later.
"""

from __future__ import annotations

import math
import uuid

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, ScopedQuerySet
from investledger.core.money import MONEY_FIELD, AmountValidator
from investledger.ledger.projects.choices import AgreementType
from investledger.supervision.choices import (
    MILESTONE_ORDER,
    EvidenceStatus,
    InspectionStatus,
    Light,
    MilestoneKind,
)

MONEY = MONEY_FIELD
AMOUNT = [AmountValidator()]


# --- Milestone plans -----------------------------------------------------------------------------


class MilestoneTemplate(BaseModel):
    """How long each milestone usually takes after signing, for an agreement type and/or a sector.

    The most specific template wins: sector and agreement type, then sector, then agreement type,
    then the default (neither). The bureau edits templates in the administration.
    """

    name = models.CharField(_("name"), max_length=100)
    agreement_type = models.CharField(
        _("agreement type"), max_length=16, choices=AgreementType.choices, blank=True, help_text=_("Empty: any.")
    )
    sector = models.ForeignKey(
        "reference.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: any sector."),
    )

    access_via = ("reference", None)

    class Meta:
        ordering = ["name"]
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # One template per scope; done here because NULL sectors are distinct in a unique constraint.
        clash = MilestoneTemplate.objects.filter(agreement_type=self.agreement_type, sector=self.sector)
        if clash.exclude(pk=self.pk).exists():
            raise ValidationError(_("A template for this agreement type and sector already exists."))


class MilestoneTemplateStep(models.Model):
    """One milestone of a template: months after the signing date it is planned."""

    template = models.ForeignKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    offset_months = models.PositiveSmallIntegerField(_("months after signing"), validators=[MaxValueValidator(240)])

    access_via = ("reference", None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["template", "offset_months"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = [models.UniqueConstraint(fields=["template", "kind"], name="template_step_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} +{self.offset_months}"


class MilestoneQuerySet(ScopedQuerySet):
    def met(self):
        return self.filter(actual_date__isnull=False).exclude(evidence_status=EvidenceStatus.REJECTED)

    def open(self):
        return self.exclude(pk__in=self.met().values("pk"))


class Milestone(BaseModel):
    """A milestone of one project (节点): planned date, actual date, the evidence and who verified it.

    A milestone counts as met when it has an actual date and its evidence was not rejected.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("milestone"), max_length=16, choices=MilestoneKind.choices)
    position = models.PositiveSmallIntegerField(editable=False)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    evidence_number = models.CharField(
        _("licence or contract number"), max_length=100, blank=True, help_text=_("e.g. business licence number")
    )
    note = models.TextField(_("note"), blank=True)
    delay_reason = models.TextField(
        _("reason for delay"),
        blank=True,
        help_text=_(
            "Why the milestone is late. A recorded reason keeps a milestone due this month from turning the light yellow."
        ),
    )
    evidence_status = models.CharField(
        _("evidence"), max_length=10, choices=EvidenceStatus.choices, blank=True, default=EvidenceStatus.NONE
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verification_comment = models.TextField(_("verification comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MilestoneQuerySet.as_manager()
    access_via = ("project", "project")

    class Meta:
        ordering = ["project", "position"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="milestone_once_per_project"),
            models.CheckConstraint(
                condition=models.Q(actual_date__isnull=True, evidence_status="")
                | models.Q(actual_date__isnull=False) & ~models.Q(evidence_status=""),
                name="milestone_status_matches_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "actual_date"], name="milestone_kind_actual_idx")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.position = MILESTONE_ORDER[self.kind]
        super().save(*args, **kwargs)

    @property
    def is_met(self) -> bool:
        return self.actual_date is not None and self.evidence_status != EvidenceStatus.REJECTED


def _evidence_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never used on disk.
    return f"evidence/{instance.milestone.project_id}/{uuid.uuid4().hex}"


class EvidenceFile(BaseModel):
    """A document or photo proving a milestone (licence scan, contract, site photo).

    Stored under MEDIA_ROOT, outside the web root; only the evidence view serves it, after checking
    that the reader may see the project. Its type was checked from its content on upload.
    """

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    access_via = ("project", "milestone__project")

    class Meta:
        ordering = ["milestone", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class InspectionSample(BaseModel):
    """A milestone drawn at random for an inspector to check its evidence on site (现场核查).

    Each month a share (the rule set's sample percent) of the milestones recorded that month is
    drawn, seeded by the month so the draw can be reproduced.
    """

    milestone = models.OneToOneField(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="inspection"
    )
    period = models.DateField(_("month drawn for"))
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.QUEUED
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)

    access_via = ("project", "milestone__project")

    class Meta:
        ordering = ["status", "-period", "id"]
        verbose_name = _("inspection sample")
        verbose_name_plural = _("inspection samples")
        indexes = [models.Index(fields=["period"], name="inspection_period_idx")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.milestone}"


# --- Progress reports ---------------------------------------------------------------------------


class ProgressReport(BaseModel):
    """A periodic progress report of one project (进度填报); amounts are cumulative, in CNY."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.DateField(_("period"), help_text=_("First day of the reporting period."))
    funds_in_place_cny = models.DecimalField(_("funds in place (CNY, cumulative)"), validators=AMOUNT, **MONEY)
    investment_completed_cny = models.DecimalField(
        _("investment completed (CNY, cumulative)"), validators=AMOUNT, **MONEY
    )
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0)
    narrative = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    funds_excess_confirmed = models.BooleanField(
        _("funds above investment confirmed"),
        default=False,
        help_text=_("The reporter confirmed funds in place above investment completed beyond the tolerance."),
    )
    submitted_on = models.DateField(_("submitted on"), editable=False)
    due_on = models.DateField(_("due on"), editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("project", "project")

    class Meta:
        ordering = ["project", "-period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="progress_report_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(funds_in_place_cny__gte=0, investment_completed_cny__gte=0),
                name="progress_report_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.period:%Y-%m}"

    @property
    def is_late(self) -> bool:
        return self.submitted_on > self.due_on


# --- Rule sets and lights -----------------------------------------------------------------------

RULE_PARAMETERS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "red_overdue_months",
        "yellow_progress_gap",
        "red_progress_gap",
        "yellow_late_periods",
        "red_late_periods",
        "report_period_months",
        "report_grace_days",
        "funds_tolerance_percent",
        "inspection_sample_percent",
    ],
    "properties": {
        "red_overdue_months": {"type": "integer", "minimum": 1, "maximum": 24},
        "yellow_progress_gap": {"type": "number", "minimum": 0, "maximum": 100},
        "red_progress_gap": {"type": "number", "minimum": 0, "maximum": 100},
        "yellow_late_periods": {"type": "integer", "minimum": 1, "maximum": 12},
        "red_late_periods": {"type": "integer", "minimum": 1, "maximum": 12},
        "report_period_months": {"enum": [1, 2, 3, 6, 12]},
        "report_grace_days": {"type": "integer", "minimum": 0, "maximum": 60},
        "funds_tolerance_percent": {"type": "number", "minimum": 0, "maximum": 100},
        "inspection_sample_percent": {"type": "number", "minimum": 0, "maximum": 100},
    },
}

DEFAULT_RULE_PARAMETERS = {
    "red_overdue_months": 3,
    "yellow_progress_gap": 10,
    "red_progress_gap": 30,
    "yellow_late_periods": 1,
    "red_late_periods": 2,
    "report_period_months": 1,
    "report_grace_days": 10,
    "funds_tolerance_percent": 5,
    "inspection_sample_percent": 20,
}


class RuleSet(BaseModel):
    """The rules that colour the lights, as data the bureau edits (督查规则).

    A rule set is never changed in place: editing saves a new version, and each light records the
    version it was computed with. The newest version is the one in force.
    """

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    parameters = models.JSONField(_("parameters"), default=dict)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    access_via = ("reference", None)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return _("Rule set v%(version)s") % {"version": self.version}

    def clean(self):
        # JSON as Python reads it takes NaN and Infinity (1e400 too): numbers no comparison in the
        # schema or the rules can use, and that no database stores as JSON.
        if isinstance(self.parameters, dict):
            for name, value in self.parameters.items():
                if isinstance(value, float) and not math.isfinite(value):
                    raise ValidationError({"parameters": f"{name}: " + _("not a finite number")})
        try:
            jsonschema.validate(self.parameters, RULE_PARAMETERS_SCHEMA)
        except jsonschema.ValidationError as exc:
            where = ".".join(str(p) for p in exc.absolute_path) or _("parameters")
            raise ValidationError({"parameters": f"{where}: {exc.message}"}) from exc
        p = self.parameters
        if p["yellow_progress_gap"] > p["red_progress_gap"]:
            raise ValidationError({"parameters": _("yellow_progress_gap cannot be above red_progress_gap.")})
        if p["yellow_late_periods"] > p["red_late_periods"]:
            raise ValidationError({"parameters": _("yellow_late_periods cannot be above red_late_periods.")})

    def param(self, name: str):
        return self.parameters.get(name, DEFAULT_RULE_PARAMETERS[name])


class LightAssessmentQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class LightAssessment(BaseModel):
    """A project's computed light (红黄绿灯) from a given day, with why: the rules that fired and the values.

    History: a new row is written only when the light or the set of rules that fired changes, so
    re-running a scan adds nothing; the newest row is `is_current`.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="light_assessments"
    )
    assessed_on = models.DateField(_("since"))
    light = models.CharField(_("light"), max_length=6, choices=Light.choices)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    fired = models.JSONField(_("rules that fired"), default=list)
    values = models.JSONField(_("values seen"), default=dict)
    is_current = models.BooleanField(_("current"), default=True)

    objects = LightAssessmentQuerySet.as_manager()
    access_via = ("project", "project")

    class Meta:
        ordering = ["project", "-assessed_on", "-id"]
        verbose_name = _("light assessment")
        verbose_name_plural = _("light assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(is_current=True), name="one_current_light_per_project"
            ),
        ]
        indexes = [models.Index(fields=["is_current", "light"], name="light_current_idx")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_light_display()} ({self.assessed_on})"

    @property
    def rule_codes(self) -> list[str]:
        return sorted(f["rule"] for f in self.fired)
