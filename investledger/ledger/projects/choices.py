from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The lifecycle, in order. A project's stage only moves forward through milestones met."""

    NEGOTIATING = "negotiating", _("Under negotiation")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    LAND_SECURED = "land_secured", _("Land secured")
    STARTED = "started", _("Construction started")
    COMPLETED = "completed", _("Completed")
    IN_PRODUCTION = "in_production", _("In production")
    FULL_OUTPUT = "full_output", _("Reached design output")


STAGE_ORDER = {value: index for index, value in enumerate(Stage.values)}


def stages_from(stage: str) -> list[str]:
    """This stage and every later one ("started or later")."""
    return [s for s in Stage.values if STAGE_ORDER[s] >= STAGE_ORDER[stage]]


class Light(models.TextChoices):
    """A project's supervision light (红黄绿灯), computed by supervision from its rules, never typed."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class SideState(models.TextChoices):
    """States beside the lifecycle; each needs a reason and a date."""

    STALLED = "stalled", _("Stalled")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class AgreementType(models.TextChoices):
    FRAMEWORK = "framework", _("Framework agreement")
    CONTRACT = "contract", _("Investment contract")
    SUPPLEMENTARY = "supplementary", _("Supplementary agreement")


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")
    USD = "USD", _("US dollar")
    HKD = "HKD", _("Hong Kong dollar")
    EUR = "EUR", _("Euro")
    JPY = "JPY", _("Japanese yen")
    GBP = "GBP", _("Pound sterling")


class SigningKind(models.TextChoices):
    """How a signing counts under the counting-once rule (docs/domain.md)."""

    NEW = "new", _("New project")
    RESIGNING = "resigning", _("Re-signing of a signed project")
    UPGRADE = "upgrade", _("Upgrade of an existing project")
    CAPITAL_INCREASE = "capital_increase", _("Capital increase")
    INVESTOR_CHANGE = "investor_change", _("Change of investor")
