from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.ledger.projects.choices import Light, Stage


class MilestoneKind(models.TextChoices):
    """The milestones that move a project through its lifecycle, in order (节点)."""

    REGISTERED = "registered", _("Registered locally")
    LAND_SECURED = "land_secured", _("Land secured")
    STARTED = "started", _("Construction started")
    COMPLETED = "completed", _("Construction completed")
    IN_PRODUCTION = "in_production", _("In production")
    FULL_OUTPUT = "full_output", _("Reached design output")


MILESTONE_ORDER = {value: index for index, value in enumerate(MilestoneKind.values)}

# The stage a project reaches when a milestone is met. The kinds share the stage values on purpose.
MILESTONE_STAGE = {kind: Stage(kind) for kind in MilestoneKind.values}


class EvidenceStatus(models.TextChoices):
    NONE = "", _("No actual date yet")
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class InspectionStatus(models.TextChoices):
    QUEUED = "queued", _("To inspect")
    CONFIRMED = "confirmed", _("Evidence confirmed")
    DISCREPANCY = "discrepancy", _("Discrepancy found")
