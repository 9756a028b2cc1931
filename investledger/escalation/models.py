"""The issue register (问题/诉求) with its escalation ladder, supervision notices (督办单),
inspections (督查/现场核查) and the notifications they send."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from investledger.core import clock
from investledger.core.models import BaseModel, ScopedQuerySet
from investledger.escalation.choices import (
    InspectionKind,
    InspectionOutcome,
    IssueCategory,
    IssueStatus,
    Level,
    NoticeColour,
    NoticeStatus,
    NotificationKind,
    ResponseKind,
    Step,
)

WORKING_DAYS = [MinValueValidator(1), MaxValueValidator(250)]

# Which level an issue climbs to when each deadline passes.
LEVEL_AFTER_MISSING = {Step.RESPOND: Level.DISTRICT, Step.ASSESS: Level.BUREAU, Step.RESOLVE: Level.LEADER}


# --- Configuration ------------------------------------------------------------------------------


def step_done_on(order: list[tuple[str, dt.date | None]], step: str) -> dt.date | None:
    """When `step` was done, from the (step, date done) pairs of a record's steps in their order: a later
    step done implies the earlier ones. Issues and leads keep their dates under names of their own."""
    dates = [d for s, d in order[[s for s, _d in order].index(step) :] if d]
    return min(dates) if dates else None


class CalendarDay(BaseModel):
    """An exception to the weekday rule: a public holiday, or a weekend day that is worked (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a weekend day that is worked; leave blank for a holiday."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    access_via = ("reference", None)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("holiday")
        return f"{self.date:%Y-%m-%d} {self.name or kind}"


class DeadlinePolicy(BaseModel):
    """How many working days a responsible unit has to respond, assess and resolve an issue.

    One row without a category is the default; a row per category overrides it. With no rows at
    all the register uses 1 / 3 / 7 working days.
    """

    category = models.CharField(
        _("category"), max_length=20, choices=IssueCategory.choices, blank=True, default="", unique=True
    )
    respond_days = models.PositiveSmallIntegerField(_("respond within (working days)"), validators=WORKING_DAYS)
    assess_days = models.PositiveSmallIntegerField(_("assess within (working days)"), validators=WORKING_DAYS)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), validators=WORKING_DAYS)

    access_via = ("reference", None)

    DEFAULT_DAYS = (1, 3, 7)

    class Meta:
        ordering = ["category"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respond_days__lte=models.F("assess_days"))
                & models.Q(assess_days__lte=models.F("resolve_days")),
                name="deadline_policy_in_order",
                violation_error_message=_("Deadlines must not shrink: respond ≤ assess ≤ resolve."),
            )
        ]

    def __str__(self) -> str:
        label = self.get_category_display() if self.category else _("All categories")
        return f"{label}: {self.respond_days} / {self.assess_days} / {self.resolve_days}"

    @classmethod
    def days_for(cls, category: str) -> tuple[int, int, int]:
        rows = {p.category: p for p in cls.objects.filter(category__in=[category, ""])}
        policy = rows.get(category) or rows.get("")
        if policy is None:
            return cls.DEFAULT_DAYS
        return policy.respond_days, policy.assess_days, policy.resolve_days


# --- Issues -------------------------------------------------------------------------------------


class IssueQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=IssueStatus.CLOSED)

    def overdue(self, as_of: dt.date | None = None):
        """The one definition of an overdue issue: open on `as_of` (today by default), and the step it
        was at that day past its deadline (respond, then assess, then resolve).

        The step on a past day is read from the dates each step was done, so the count for the end of
        a past month is what the register said that day. Every page, report, export and the API count
        overdue issues through this queryset.
        """
        as_of = as_of or clock.today()
        Q = models.Q
        open_then = Q(raised_on__lte=as_of) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        assessed = Q(assessed_on__lte=as_of)
        responded = Q(responded_on__lte=as_of) | assessed
        return self.filter(
            open_then,
            (assessed & Q(resolve_by__lt=as_of))
            | (responded & ~assessed & Q(assess_by__lt=as_of))
            | (~responded & Q(respond_by__lt=as_of)),
        )


class Issue(BaseModel):
    """One blocking matter of a project (问题/诉求), assigned to the unit that must act on it.

    The three deadlines are fixed in working days when the issue is raised (from the deadline
    policy of its category), so a later change of policy does not move them. Each deadline that
    passes without its step done raises the level one rung: unit → district → city bureau → city
    leader (`services.escalate_overdue`). Closing (销号) records the resolution.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=IssueCategory.choices)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="issues"
    )
    responsible_unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="issues"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("raised on"), db_index=True)
    respond_by = models.DateField(_("respond by"))
    assess_by = models.DateField(_("assess by"))
    resolve_by = models.DateField(_("resolve by"), db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.UNIT, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN, db_index=True
    )
    responded_on = models.DateField(_("responded on"), null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = IssueQuerySet.as_manager()
    access_via = ("project", "project")

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respond_by__lte=models.F("assess_by"))
                & models.Q(assess_by__lte=models.F("resolve_by")),
                name="issue_deadlines_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=IssueStatus.CLOSED)
                | (models.Q(closed_on__isnull=False) & ~models.Q(resolution="")),
                name="issue_closed_needs_resolution",
            ),
        ]
        indexes = [models.Index(fields=["status", "level"], name="issue_status_level_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    @property
    def is_closed(self) -> bool:
        return self.status == IssueStatus.CLOSED

    def step_done_on(self, step: str) -> dt.date | None:
        """When a step was done (`step_done_on`)."""
        order = [
            (Step.RESPOND, self.responded_on),
            (Step.ASSESS, self.assessed_on),
            (Step.RESOLVE, self.closed_on),
        ]
        return step_done_on(order, step)

    def deadline(self, step: str) -> dt.date:
        return {Step.RESPOND: self.respond_by, Step.ASSESS: self.assess_by, Step.RESOLVE: self.resolve_by}[step]

    @property
    def current_step(self) -> str | None:
        return {
            IssueStatus.OPEN: Step.RESPOND,
            IssueStatus.RESPONDED: Step.ASSESS,
            IssueStatus.ASSESSED: Step.RESOLVE,
        }.get(self.status)

    @property
    def next_deadline(self) -> dt.date | None:
        step = self.current_step
        return self.deadline(step) if step else None

    def step_on(self, as_of: dt.date) -> str | None:
        """The step the issue was at on `as_of` (None: not raised yet, or closed by then)."""
        if self.raised_on > as_of or (self.closed_on is not None and self.closed_on <= as_of):
            return None
        if self.assessed_on is not None and self.assessed_on <= as_of:
            return Step.RESOLVE
        if self.responded_on is not None and self.responded_on <= as_of:
            return Step.ASSESS
        return Step.RESPOND

    def is_overdue(self, as_of: dt.date | None = None) -> bool:
        """As `IssueQuerySet.overdue` says, for this one issue."""
        as_of = as_of or clock.today()
        step = self.step_on(as_of)
        return step is not None and self.deadline(step) < as_of

    @property
    def closed_within_deadline(self) -> bool:
        return self.is_closed and self.closed_on is not None and self.closed_on <= self.resolve_by


class IssueResponse(BaseModel):
    """One entry in an issue's history: the unit's response, its assessment, the resolution, a note."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("kind"), max_length=12, choices=ResponseKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("on behalf of"), null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"))

    access_via = ("project", "issue__project")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("issue response")
        verbose_name_plural = _("issue responses")

    def __str__(self) -> str:
        return f"{self.issue.reference} {self.get_kind_display()}"


class EscalationStep(BaseModel):
    """One rung climbed by an issue: from which level to which, why, and when the scan saw it."""

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="escalations")
    from_level = models.PositiveSmallIntegerField(pgettext_lazy("escalation level", "from"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("to"), choices=Level.choices)
    missed_step = models.CharField(_("missed step"), max_length=10, choices=Step.choices)
    missed_deadline = models.DateField(_("missed deadline"))
    reason = models.CharField(_("why"), max_length=300)
    escalated_on = models.DateField(_("escalated on"))
    escalated_at = models.DateTimeField(_("recorded at"))

    access_via = ("project", "issue__project")

    class Meta:
        ordering = ["issue", "to_level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["issue", "to_level"], name="escalation_each_level_once"),
            models.CheckConstraint(condition=models.Q(to_level__gt=models.F("from_level")), name="escalation_climbs"),
        ]

    def __str__(self) -> str:
        return f"{self.issue.reference}: {self.get_from_level_display()} → {self.get_to_level_display()}"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language (`reason` keeps the words recorded at the time)."""
        text = {
            Step.RESPOND: _("No response by %(deadline)s"),
            Step.ASSESS: _("No assessment by %(deadline)s"),
            Step.RESOLVE: _("Not resolved by %(deadline)s"),
        }[self.missed_step]
        return str(text) % {"deadline": self.missed_deadline.isoformat()}


# --- Supervision notices ------------------------------------------------------------------------


class Notice(BaseModel):
    """A supervision notice (督办单) to a district about a project or about the area as a whole.

    It is always addressed to an area (for a project, the project's host area when issued), so the
    district officers of that area see it and acknowledge it.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    colour = models.CharField(_("level"), max_length=8, choices=NoticeColour.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("requirements"))
    area = models.ForeignKey("reference.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    deadline = models.DateField(_("deadline"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"), db_index=True)
    status = models.CharField(_("status"), max_length=14, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    acknowledgement = models.TextField(_("reply"), blank=True)

    access_via = ("area", "area")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("issued_on")), name="notice_deadline_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}" if self.reference else self.subject

    def is_overdue(self, as_of: dt.date | None = None) -> bool:
        return self.status == NoticeStatus.ISSUED and self.deadline < (as_of or clock.today())


# --- Inspections --------------------------------------------------------------------------------


class Inspection(BaseModel):
    """A site visit or check (督查 / 现场核查) of a project, with its findings and photos."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.SITE_VISIT)
    visited_on = models.DateField(_("date of visit"), db_index=True)
    inspectors = models.CharField(_("inspectors"), max_length=300)
    findings = models.TextField(_("findings"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=InspectionOutcome.choices, default=InspectionOutcome.AS_REPORTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_via = ("project", "project")

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on:%Y-%m-%d} {self.project}"


class InspectionPhoto(BaseModel):
    """A photo taken at an inspection, stored under MEDIA_ROOT (outside the web root) and served
    only through a view that checks access. Its type was checked from the content, not the name."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_via = ("project", "inspection__project")

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return self.caption or self.original_name or f"photo {self.pk}"


# --- Notifications ------------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """A notification belongs to its recipient alone, whatever their role."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user: shown in their inbox and summed up in their daily digest e-mail.

    `dedupe_key` names the event (e.g. "escalated:12:2"), unique per recipient, so running the
    escalation scan twice never sends the same message twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    access_via = ("own", "recipient")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.subject


class DigestSent(models.Model):
    """That a user's daily digest for a day went out (so a second run that day sends nothing)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"
