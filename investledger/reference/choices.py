"""Codelists shared by the ledger's apps, kept here so that opportunities and investor profiles name
the same things without importing each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CooperationMode(models.TextChoices):
    """How an investor takes part in an opportunity (合作方式)."""

    EQUITY = "equity", _("Equity investment")
    PPP = "ppp", _("PPP or franchise")
    LEASE = "lease", _("Lease")
    SALE = "sale", _("Sale or transfer")
    JOINT = "joint", _("Joint development")
