from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from investledger.reference.choices import CooperationMode

__all__ = ["CooperationMode", "InterestState", "LandUnit", "Status", "TRANSITIONS"]


class Status(models.TextChoices):
    """Where an opportunity stands: offered, being negotiated, signed as a project, or taken off the list."""

    OPEN = "open", pgettext_lazy("opportunity status", "Open")
    IN_TALKS = "in_talks", _("In talks")
    SIGNED = "signed", _("Signed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The moves a status may make. Signed and withdrawn are final, except that a withdrawn opportunity
# may be offered again.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.IN_TALKS, Status.SIGNED, Status.WITHDRAWN}),
    Status.IN_TALKS: frozenset({Status.OPEN, Status.SIGNED, Status.WITHDRAWN}),
    Status.SIGNED: frozenset(),
    Status.WITHDRAWN: frozenset({Status.OPEN}),
}


class LandUnit(models.TextChoices):
    """Units land is offered in: 亩 in most Chinese lists, hectares and square metres elsewhere."""

    MU = "mu", _("mu (亩)")
    HECTARE = "ha", _("hectares")
    SQUARE_METRE = "m2", _("square metres")


class InterestState(models.TextChoices):
    NEW = "new", _("New")
    HANDLED = "handled", _("Handled")
