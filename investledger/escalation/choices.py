"""Choices of the issue register, supervision notices and notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IssueCategory(models.TextChoices):
    LAND = "land", _("Land approval")
    ENVIRONMENT = "environment", _("Environmental assessment")
    POWER = "power", _("Power supply")
    WATER = "water", _("Water supply")
    FINANCING = "financing", _("Financing")
    PERMITS = "permits", _("Permits and licences")
    LABOUR = "labour", _("Labour and recruitment")
    OTHER = "other", _("Other")


class IssueStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("issue status", "Open")
    RESPONDED = "responded", pgettext_lazy("issue status", "Responded")
    ASSESSED = "assessed", pgettext_lazy("issue status", "Assessed")
    CLOSED = "closed", pgettext_lazy("issue status", "Closed (resolved)")


class Level(models.IntegerChoices):
    """Who holds an issue. It climbs one level each time a deadline passes."""

    UNIT = 1, pgettext_lazy("escalation level", "Responsible unit")
    DISTRICT = 2, pgettext_lazy("escalation level", "District")
    BUREAU = 3, pgettext_lazy("escalation level", "City bureau")
    LEADER = 4, pgettext_lazy("escalation level", "City leader")


class Step(models.TextChoices):
    """The three deadlines of an issue, in order; missing each raises the level by one."""

    RESPOND = "respond", _("respond")
    ASSESS = "assess", _("assess")
    RESOLVE = "resolve", _("resolve")


class ResponseKind(models.TextChoices):
    RESPONSE = "response", _("Response")
    ASSESSMENT = "assessment", _("Assessment")
    RESOLUTION = "resolution", _("Resolution (closed)")
    NOTE = "note", _("Note")


class NoticeColour(models.TextChoices):
    """Supervision notices escalate blue (reminder) → yellow (warning) → red (summons meeting, 约谈)."""

    BLUE = "blue", _("Reminder (blue)")
    YELLOW = "yellow", _("Warning (yellow)")
    RED = "red", _("Summons (red)")


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class InspectionKind(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit")
    EVIDENCE_CHECK = "evidence_check", _("Random check of milestone evidence")
    SUPERVISION = "supervision", _("Supervision inspection")


class InspectionOutcome(models.TextChoices):
    AS_REPORTED = "as_reported", _("As reported")
    MINOR = "minor", _("Minor discrepancies")
    SERIOUS = "serious", _("Serious discrepancies")


class NotificationKind(models.TextChoices):
    ISSUE_ASSIGNED = "issue_assigned", _("Issue assigned")
    ISSUE_UPDATED = "issue_updated", _("Issue updated")
    ISSUE_ESCALATED = "issue_escalated", _("Issue escalated")
    ISSUE_CLOSED = "issue_closed", _("Issue closed")
    NOTICE_ISSUED = "notice_issued", _("Supervision notice issued")
    NOTICE_ACKNOWLEDGED = "notice_acknowledged", _("Supervision notice acknowledged")
    LEAD_REFERRED = "lead_referred", _("Lead referred")
    LEAD_ESCALATED = "lead_escalated", _("Lead escalated")
