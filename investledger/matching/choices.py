"""The reasons of a match, named for readers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.matching import scoring


class Reason(models.TextChoices):
    SECTOR = scoring.SECTOR, _("Sector fit")
    SIZE = scoring.SIZE, _("Size fit")
    REGION = scoring.REGION, _("Region preference")
    MODE = scoring.MODE, _("Mode preference")
    HISTORY = scoring.HISTORY, _("History in the city")
    TEXT = scoring.TEXT, _("Text similarity")
