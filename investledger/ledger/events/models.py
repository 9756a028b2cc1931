"""Signing events: the expos, ceremonies and roadshows where projects are signed."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, BilingualNameMixin
from investledger.core.money import MONEY_FIELD, AmountValidator


class SigningEvent(BilingualNameMixin, BaseModel):
    """An expo, centralised signing ceremony, roadshow or online signing (签约活动).

    The figures announced at the event are kept apart (`announced_*`) so the ledger's own count can
    be set beside what was said on the day.
    """

    class Kind(models.TextChoices):
        EXPO = "expo", _("Expo")
        CEREMONY = "ceremony", _("Centralised signing ceremony")
        ROADSHOW = "roadshow", _("Roadshow or delegation visit")
        ONLINE = "online", _("Online signing")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"), db_index=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("held online"), default=False)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        "reference.Unit", verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    host_area = models.ForeignKey(
        "reference.Area", verbose_name=_("held by area"), null=True, blank=True, on_delete=models.PROTECT
    )
    announced_count = models.PositiveIntegerField(_("projects announced"), null=True, blank=True)
    announced_value_cny = models.DecimalField(
        _("value announced (CNY)"), null=True, blank=True, validators=[AmountValidator()], **MONEY_FIELD
    )
    source_url = models.URLField(_("source"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Counted up by each saved edit (events/services.py): an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    access_via = ("reference", None)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("signing event")
        verbose_name_plural = _("signing events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("date")),
                name="event_end_after_start",
            )
        ]

    def clean(self):
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
