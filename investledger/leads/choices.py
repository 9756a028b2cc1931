"""Choices of leads: stages, sources, interactions, referrals and referrers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LeadStage(models.TextChoices):
    """new → contacted → assessed → negotiating (在谈) → signed, or lost from any open stage."""

    NEW = "new", pgettext_lazy("lead stage", "New")
    CONTACTED = "contacted", pgettext_lazy("lead stage", "Contacted")
    ASSESSED = "assessed", pgettext_lazy("lead stage", "Assessed")
    NEGOTIATING = "negotiating", pgettext_lazy("lead stage", "Negotiating")
    SIGNED = "signed", pgettext_lazy("lead stage", "Signed")
    LOST = "lost", pgettext_lazy("lead stage", "Lost")


# The open stages in their order; signed and lost close a lead.
STAGE_ORDER: list[str] = [
    LeadStage.NEW,
    LeadStage.CONTACTED,
    LeadStage.ASSESSED,
    LeadStage.NEGOTIATING,
    LeadStage.SIGNED,
]
OPEN_STAGES: list[str] = [LeadStage.NEW, LeadStage.CONTACTED, LeadStage.ASSESSED, LeadStage.NEGOTIATING]


class LeadSource(models.TextChoices):
    EVENT = "event", _("Event")
    AMBASSADOR = "ambassador", _("Investment ambassador")
    AGENCY = "agency", _("Professional agency")
    OPPORTUNITY = "opportunity", _("Opportunity interest")
    DEPARTMENT = "department", _("Department referral")
    WALK_IN = "walk_in", _("Walk-in")
    NEWS = "news", _("News")


# Sources that name a referrer of the registry.
REFERRER_SOURCES: dict[str, str] = {LeadSource.AMBASSADOR: "ambassador", LeadSource.AGENCY: "agency"}


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    SITE_TOUR = "site_tour", _("Site tour")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ReferrerKind(models.TextChoices):
    AMBASSADOR = "ambassador", _("Investment ambassador")
    AGENCY = "agency", _("Professional agency")
