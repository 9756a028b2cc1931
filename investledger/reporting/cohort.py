"""The cohort a figure is computed over, and the ledger frame "as of" a date.

A cohort is a set of signed projects chosen by period (signing date), by signing event (counted once,
under the first event where the project was signed), by host area (with its sub-areas) and by sector
(with its sub-sectors). Every figure states its cohort and its as-of date.

The frame is the cohort's projects as the ledger knew them on the as-of date, with the same field
names whichever the date (`f_stage`, `f_side`, `f_value`, `f_outside`, `f_signed`, `f_planned_start`,
`f_undisclosed`), so every figure is written once:

- as of today (or later), the fields are the projects' current columns;
- as of a past date, they are read from the project's last audit snapshot written on or before that
  day (every change to a project goes through a service that records its full state), and only
  projects the ledger already held on that day are counted. Host area and sector are taken as they
  are now: they are the cohort's definition, not figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investledger.core import clock
from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import Stage
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector

FRAME_FIELDS = {
    "f_stage": ("stage", CharField()),
    "f_side": ("side_state", CharField()),
    "f_value": ("contract_value_cny", DecimalField(max_digits=20, decimal_places=2)),
    "f_outside": ("outside_value_cny", DecimalField(max_digits=20, decimal_places=2)),
    "f_signed": ("signed_on", DateField()),
    "f_planned_start": ("planned_start", DateField()),
    "f_undisclosed": ("value_undisclosed", BooleanField()),
}
SNAPSHOT_KINDS = (AuditEntry.Kind.CREATE, AuditEntry.Kind.UPDATE, AuditEntry.Kind.STAGE)


@dataclass(frozen=True)
class Cohort:
    """Which signed projects a figure covers. Empty fields mean "all"."""

    area: Area | None = None
    sector: Sector | None = None
    event: SigningEvent | None = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None

    def describe(self, scoped: bool = True) -> str:
        parts = []
        if self.area is not None:
            parts.append(_("%(area)s (incl. sub-areas)") % {"area": self.area.label})
        if self.sector is not None:
            parts.append(_("sector %(sector)s") % {"sector": self.sector.label})
        if self.event is not None:
            parts.append(_("first signed at %(event)s") % {"event": self.event.label})
        if self.signed_from and self.signed_to:
            parts.append(
                _("signed %(start)s to %(end)s")
                % {"start": date_format(self.signed_from), "end": date_format(self.signed_to)}
            )
        elif self.signed_from:
            parts.append(_("signed from %(start)s") % {"start": date_format(self.signed_from)})
        elif self.signed_to:
            parts.append(_("signed up to %(end)s") % {"end": date_format(self.signed_to)})
        if not scoped:
            return _("signed projects: %(parts)s") % {"parts": "; ".join(parts)} if parts else _("all signed projects")
        if not parts:
            return _("all signed projects in your scope")
        return _("signed projects in your scope: %(parts)s") % {"parts": "; ".join(parts)}

    @property
    def public_description(self) -> str:
        return self.describe(scoped=False)

    def ledger_params(self) -> dict[str, str]:
        """The same cohort as ledger filter parameters (ProjectFilterSet names)."""
        params = {}
        if self.area is not None:
            params["area"] = str(self.area.pk)
        if self.sector is not None:
            params["sector"] = str(self.sector.pk)
        if self.event is not None:
            params["first_event"] = str(self.event.pk)  # the cohort counts projects under their first event
        if self.signed_from:
            params["signed_from"] = self.signed_from.isoformat()
        if self.signed_to:
            params["signed_to"] = self.signed_to.isoformat()
        return params

    def with_area(self, area) -> Cohort:
        return Cohort(area, self.sector, self.event, self.signed_from, self.signed_to)


class CohortForm(forms.Form):
    """Reads a cohort and an as-of date from query parameters, with messages naming the field."""

    area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False, label=gettext_lazy("Host area"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), required=False, label=gettext_lazy("Sector"))
    event = forms.ModelChoiceField(
        queryset=SigningEvent.objects.all(), required=False, label=gettext_lazy("Signing event")
    )
    signed_from = forms.DateField(required=False, label=gettext_lazy("Signed from"))
    signed_to = forms.DateField(required=False, label=gettext_lazy("Signed to"))
    as_of = forms.DateField(required=False, label=gettext_lazy("As of"))

    def clean(self):
        data = super().clean()
        start, end = data.get("signed_from"), data.get("signed_to")
        if start and end and end < start:
            self.add_error("signed_to", _("The end of the signing period cannot be before its start."))
        return data

    def cohort(self) -> Cohort:
        d = self.cleaned_data
        return Cohort(d.get("area"), d.get("sector"), d.get("event"), d.get("signed_from"), d.get("signed_to"))

    def as_of_date(self) -> dt.date:
        return self.cleaned_data.get("as_of") or clock.today()


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def is_past(as_of: dt.date) -> bool:
    return as_of < clock.today()


def _snapshot_value(column: str, field):
    """A column's value in an audit snapshot, typed. A flag is compared with JSON true: read as text,
    SQLite gives "true", which no cast turns into a boolean; an absent flag reads False."""
    if isinstance(field, BooleanField):
        return Case(When(**{f"snapshot__{column}": True}, then=Value(True)), default=Value(False), output_field=field)
    return Cast(KT(f"snapshot__{column}"), field)


def signed_by(as_of: dt.date, signed: str = "signed_on", stage: str = "stage") -> Q:
    """The one definition of "a signed project as of a day": a signing date on or before it, and past
    negotiation. `signed` and `stage` name the fields holding them (the frame's `f_` aliases)."""
    return Q(**{f"{signed}__isnull": False, f"{signed}__lte": as_of}) & ~Q(**{stage: Stage.NEGOTIATING})


def outside_frame(queryset, as_of: dt.date):
    """The projects of `queryset` that the frame as of `as_of` (today or later) leaves out: not signed by
    then. With the frame's they make the whole queryset (a list counts both)."""
    return queryset.filter(~signed_by(as_of))


def frame(user, cohort: Cohort, as_of: dt.date, base=None):
    """The cohort's signed projects visible to `user`, as the ledger knew them on `as_of`.

    `base` may narrow the visible projects further (the reconciliation tests and exports use it).
    """
    qs = base if base is not None else Project.objects.visible_to(user)
    if cohort.area is not None:
        qs = qs.filter(host_area__path__startswith=cohort.area.path)
    if cohort.sector is not None:
        qs = qs.filter(sector_id__in=cohort.sector.subtree_ids())
    if cohort.event is not None:
        qs = qs.filter(first_event=cohort.event)
    if is_past(as_of):
        cutoff = _end_of_day(as_of)
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Project),
            object_id=Cast(OuterRef("pk"), CharField()),
            timestamp__lt=cutoff,
            kind__in=SNAPSHOT_KINDS,
        ).order_by("-id")
        any_entry = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Project), object_id=Cast(OuterRef("pk"), CharField())
        )
        # Known on the day: it has a snapshot by then; a project with no trail at all (loaded
        # outside the services) counts from its creation time with its current state.
        qs = qs.filter(Exists(entries) | (~Exists(any_entry) & Q(created__lt=cutoff)))
        aliases = {
            name: Case(
                When(
                    Exists(any_entry),
                    then=Subquery(entries.annotate(v=_snapshot_value(column, field)).values("v")[:1]),
                ),
                default=F(column),
                output_field=field,
            )
            for name, (column, field) in FRAME_FIELDS.items()
        }
    else:
        aliases = {name: F(column) for name, (column, _field) in FRAME_FIELDS.items()}
    aliases["f_side"] = Coalesce(aliases["f_side"], Value(""), output_field=CharField())
    qs = qs.annotate(**aliases).filter(signed_by(as_of, "f_signed", "f_stage"))
    if cohort.signed_from:
        qs = qs.filter(f_signed__gte=cohort.signed_from)
    if cohort.signed_to:
        qs = qs.filter(f_signed__lte=cohort.signed_to)
    return qs
