"""Figures of the pipeline before signing, in the metric registry: opportunity lists (what was listed
and what became of it, reporting/opportunities.py) and leads (leads.selectors.lead_figures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.leads.choices import LeadStage
from investledger.leads.models import Lead
from investledger.leads.selectors import LeadFigures, lead_figures
from investledger.reporting import opportunities as opportunity_figures_source
from investledger.reporting.cohort import Cohort
from investledger.reporting.metric_types import REGISTRY, Result, not_available

# --- Opportunity lists: what was listed and what became of it (reporting/opportunities.py) --------

OPPORTUNITY_KEYS = (
    "opportunities_listed",
    "opportunity_estimated_value",
    "opportunities_published",
    "opportunities_taken_up",
    "opportunities_signed",
    "opportunity_signed_value",
)


def opportunity_cohort_text(cohort: Cohort) -> str:
    if cohort == Cohort():
        return _("all opportunities in your scope")
    return _("opportunities in your scope, by their host area, sector, list's event and release date: %(cohort)s") % {
        "cohort": cohort.describe(scoped=False)
    }


def opportunity_figures(user, cohort: Cohort, as_of: dt.date, opportunities=None) -> dict[str, Result]:
    """Every opportunity figure of the cohort as of the date, in two queries (`opportunities` narrows the
    frame, to one list's for its page)."""
    source = opportunity_figures_source
    rows = source.frame(user, cohort, as_of, opportunities)
    found = source.figures(rows, as_of)
    signed = source.signed(user, rows, as_of)
    text = opportunity_cohort_text(cohort)

    def count(key: str, part: str) -> Result:
        return Result(REGISTRY[key], found[part], found[part], None, text, as_of)

    estimated = Result(
        REGISTRY["opportunity_estimated_value"],
        found["estimated"] if found["estimated_known"] else None,
        found["estimated"] if found["estimated_known"] else None,
        None,
        text,
        as_of,
        extra={
            "known": found["estimated_known"],
            "approximate": bool(found["estimated_inexact"]),
            "undisclosed": found["listed"] > 0 and not found["estimated_known"],
        },
    )
    if found["listed"] and not found["estimated_known"]:
        estimated.note = _("No opportunity of the cohort has a published amount.")
    elif found["estimated_known"] < found["listed"]:
        estimated.note = ngettext(
            "%(count)d opportunity without a published amount is not included.",
            "%(count)d opportunities without a published amount are not included.",
            found["listed"] - found["estimated_known"],
        ) % {"count": found["listed"] - found["estimated_known"]}
    all_undisclosed = signed["projects"] > 0 and signed["undisclosed"] == signed["projects"]
    value = None if all_undisclosed else signed["value"]
    signed_value = Result(
        REGISTRY["opportunity_signed_value"],
        value,
        value,
        None,
        text,
        as_of,
        extra={"projects": signed["projects"], "undisclosed": signed["undisclosed"]},
    )
    if all_undisclosed:
        signed_value.note = _("The amounts of the projects signed are undisclosed.")
    elif signed["undisclosed"]:
        signed_value.note = ngettext(
            "%(count)d signed project with an undisclosed amount is not included.",
            "%(count)d signed projects with an undisclosed amount are not included.",
            signed["undisclosed"],
        ) % {"count": signed["undisclosed"]}
    unseen = found["signed"] - signed["projects"]
    if unseen > 0:
        # The opportunity is signed, but its project is not a signed project of the ledger that day
        # (no signing date yet) or not one the reader may see: said, rather than silently left out.
        missing = ngettext(
            "%(count)d opportunity signed as a project the ledger does not count as signed by then, or "
            "outside your view, is not included.",
            "%(count)d opportunities signed as projects the ledger does not count as signed by then, or "
            "outside your view, are not included.",
            unseen,
        ) % {"count": unseen}
        signed_value.note = f"{signed_value.note} {missing}".strip()
    return {
        "opportunities_listed": count("opportunities_listed", "listed"),
        "opportunity_estimated_value": estimated,
        "opportunities_published": count("opportunities_published", "published"),
        "opportunities_taken_up": count("opportunities_taken_up", "taken_up"),
        "opportunities_signed": count("opportunities_signed", "signed"),
        "opportunity_signed_value": signed_value,
    }


def _opportunity_figure(key: str) -> Callable:
    def compute(user, cohort: Cohort, as_of: dt.date, base=None) -> Result:
        return opportunity_figures(user, cohort, as_of)[key]

    return compute


# --- Lead figures: the pipeline before signing (leads.selectors.lead_figures) ----------------------


def lead_cohort(user, cohort: Cohort):
    """The leads a cohort covers, within the user's scope: those concerning the area (or an area under
    it), of the sector (or one under it), from the event, received in the period."""
    leads = Lead.objects.visible_to(user)
    if cohort.area is not None:
        leads = leads.filter(pk__in=Lead.objects.filter(areas__path__startswith=cohort.area.path).values("pk"))
    if cohort.sector is not None:
        leads = leads.filter(sector_id__in=cohort.sector.subtree_ids())
    if cohort.event is not None:
        leads = leads.filter(source_event=cohort.event)
    if cohort.signed_from:
        leads = leads.filter(received_on__gte=cohort.signed_from)
    if cohort.signed_to:
        leads = leads.filter(received_on__lte=cohort.signed_to)
    return leads


def lead_cohort_text(cohort: Cohort) -> str:
    parts = []
    if cohort.area is not None:
        parts.append(_("concerning %(area)s (incl. sub-areas)") % {"area": cohort.area.label})
    if cohort.sector is not None:
        parts.append(_("sector %(sector)s") % {"sector": cohort.sector.label})
    if cohort.event is not None:
        parts.append(_("from %(event)s") % {"event": cohort.event.label})
    if cohort.signed_from or cohort.signed_to:
        parts.append(
            _("received %(start)s to %(end)s")
            % {
                "start": date_format(cohort.signed_from) if cohort.signed_from else "…",
                "end": date_format(cohort.signed_to) if cohort.signed_to else "…",
            }
        )
    if not parts:
        return _("all leads in your scope")
    return _("leads in your scope: %(parts)s") % {"parts": "; ".join(parts)}


def _open_by_stage(f: LeadFigures) -> tuple:
    return f.open, f.open, None, {"by_stage": {stage: f.by_stage.get(stage, 0) for stage in LeadStage.values}}


def _response(f: LeadFigures) -> tuple:
    return f.response_rate, f.response_in_time, f.response_due, {}


def _conversion(f: LeadFigures) -> tuple:
    return f.conversion, f.signed, f.qualified, {}


def _days_to_signing(f: LeadFigures) -> tuple:
    return f.mean_days_to_signing, f.days_to_signing, f.signed, {}


def _negotiating(f: LeadFigures) -> tuple:
    return f.negotiating_value, f.negotiating_value, None, {"leads": f.negotiating}


def _credit_by_referrer(f: LeadFigures) -> tuple:
    return f.referrer_credit, f.referrer_credit, None, {"by_referrer": f.referrer_credit_by}


LEAD_VALUES: dict[str, Callable[[LeadFigures], tuple]] = {
    "leads_open": _open_by_stage,
    "lead_response_rate": _response,
    "lead_conversion_rate": _conversion,
    "lead_days_to_signing": _days_to_signing,
    "negotiating_value": _negotiating,
    "referrer_credit": _credit_by_referrer,
}


@dataclass(frozen=True)
class LeadFigure:
    """A lead figure's computation (a module-level object, so a result can be pickled into the cache)."""

    key: str

    def __call__(self, user, cohort: Cohort, as_of: dt.date, base=None) -> Result:
        metric = REGISTRY[self.key]
        if base is not None:  # the public page and the reconciliations over a set of projects: no leads there
            return not_available(metric, cohort, as_of, _("Leads are not part of this page."))
        figures = lead_figures(lead_cohort(user, cohort), as_of)
        value, numerator, denominator, extra = LEAD_VALUES[self.key](figures)
        return Result(metric, value, numerator, denominator, lead_cohort_text(cohort), as_of, extra=extra)
