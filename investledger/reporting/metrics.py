"""The metric registry: every figure the bureau reports, defined once.

A metric is a numerator over a denominator computed on a cohort of signed projects (see cohort.py)
as of a date. Ledger figures are built from named "parts" (aggregates over the frame), so one
database query answers every ledger figure of a cohort, and the dashboard's breakdowns (by sector,
area, event, month) group the very same parts. Figures that rest on supervision (funds in place) or
escalation (issues) are computed by their own function over those apps' models.

Formulas follow docs/domain.md. Where practice has two variants (start rate), both are registered
under their own key and each says which it is.

A project whose amount was not made public (`value_undisclosed`, kept at 0) counts as a project in
every count and count-based rate, and stays out of every figure that rests on amounts: sums leave
it out by its 0; the large-project share by count divides by the projects whose amount is known
(`disclosed`), since an undisclosed amount is neither large nor small; and the funds-in-place rate
sets against the contract investment only the funds of those same projects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investledger.core.money import BILLION, quantize
from investledger.ledger.projects.choices import SideState, Stage, stages_from
from investledger.reporting import sources
from investledger.reporting.cohort import Cohort, frame
from investledger.reporting.metric_types import CNY as CNY
from investledger.reporting.metric_types import DAYS as DAYS
from investledger.reporting.metric_types import RATIO as RATIO
from investledger.reporting.metric_types import REGISTRY as REGISTRY
from investledger.reporting.metric_types import Metric as Metric
from investledger.reporting.metric_types import Result as Result
from investledger.reporting.metric_types import not_available as not_available
from investledger.reporting.metric_types import ratio as ratio
from investledger.reporting.metric_types import result_from_parts as result_from_parts
from investledger.reporting.pipeline_figures import LeadFigure, _opportunity_figure, opportunity_figures

LARGE_THRESHOLD = BILLION  # RMB 1 billion: the bureau's "large project"
# Projects whose amount was made public: the only ones value-based figures rest on.
DISCLOSED = Q(f_undisclosed=False)


def parts(as_of: dt.date) -> dict:
    """The aggregates every ledger figure is made of, over a frame (cohort.frame)."""
    started = Q(f_stage__in=stages_from(Stage.STARTED))
    due = Q(f_planned_start__isnull=False, f_planned_start__lte=as_of)
    large = Q(f_value__gte=LARGE_THRESHOLD)
    emerging = Q(sector__strategic_emerging=True)
    return {
        "projects": Count("pk"),
        "disclosed": Count("pk", filter=DISCLOSED),
        "value": Sum("f_value"),
        "outside": Sum("f_outside"),
        "not_terminated": Count("pk", filter=~Q(f_side=SideState.TERMINATED)),
        "registered": Count("pk", filter=Q(f_stage__in=stages_from(Stage.REGISTERED))),
        "started": Count("pk", filter=started),
        "completed": Count("pk", filter=Q(f_stage__in=stages_from(Stage.COMPLETED))),
        "in_production": Count("pk", filter=Q(f_stage__in=stages_from(Stage.IN_PRODUCTION))),
        "due_to_start": Count("pk", filter=due),
        "started_of_due": Count("pk", filter=due & started),
        "large_count": Count("pk", filter=large),
        "large_value": Sum("f_value", filter=large),
        "emerging_count": Count("pk", filter=emerging),
        "emerging_value": Sum("f_value", filter=emerging),
    }


PART_NAMES = tuple(parts(dt.date(2000, 1, 1)))


def clean_parts(row: dict) -> dict:
    """Aggregates as Decimal/int with 0 for empty sums (SQL SUM of nothing is NULL)."""
    out = {}
    for key in PART_NAMES:
        value = row.get(key)
        if key in ("value", "outside", "large_value", "emerging_value"):
            out[key] = quantize(Decimal(value)) if value is not None else Decimal("0.00")
        else:
            out[key] = int(value or 0)
    return out


def _funds_in_place(user, cohort: Cohort, as_of: dt.date, base=None) -> Result:

    metric = REGISTRY["funds_in_place_rate"]
    projects = frame(user, cohort, as_of, base)
    funds = sources.funds_in_place(projects.filter(DISCLOSED), as_of)
    if funds is None:
        return not_available(metric, cohort, as_of, _("Not available yet: progress reports are not recorded yet."))
    contract = clean_parts(projects.aggregate(value=Sum("f_value")))["value"]
    return Result(metric, ratio(funds, contract), funds, contract, cohort.describe(), as_of)


def _issue_resolution(user, cohort: Cohort, as_of: dt.date, base=None) -> Result:

    metric = REGISTRY["issue_resolution_rate"]
    found = sources.issue_resolution(frame(user, cohort, as_of, base), as_of)
    if found is None:
        return not_available(metric, cohort, as_of, _("Not available yet: issues are not recorded yet."))
    closed_in_time, due = found
    return Result(metric, ratio(closed_in_time, due), closed_in_time, due, cohort.describe(), as_of)


def _overdue_issues(user, cohort: Cohort, as_of: dt.date, base=None) -> Result:

    metric = REGISTRY["overdue_issues"]
    found = sources.overdue_issues(user, cohort, as_of, base)
    if found is None:
        return not_available(metric, cohort, as_of, _("Not available yet: issues are not recorded yet."))
    count = found.count()
    return Result(metric, count, count, None, cohort.describe(), as_of)


# --- The registry ----------------------------------------------------------------------------------


METRICS = [
    Metric(
        "signed_value",
        gettext_lazy("Signed value"),
        gettext_lazy("Sum of contract investment (签约额, in CNY) of the signed projects of the cohort."),
        gettext_lazy("contract investment"),
        None,
        CNY,
        numerator="value",
    ),
    Metric(
        "signed_count",
        gettext_lazy("Signed projects"),
        gettext_lazy("Number of signed projects in the cohort, each counted once (under its first signing event)."),
        gettext_lazy("projects"),
        None,
        "count",
        numerator="projects",
    ),
    Metric(
        "outside_money",
        gettext_lazy("Outside money"),
        gettext_lazy("Sum of outside money (引资额, in CNY) of the cohort, reported apart from the signed value."),
        gettext_lazy("outside money"),
        None,
        CNY,
        numerator="outside",
    ),
    Metric(
        "fulfilment_rate",
        gettext_lazy("Fulfilment rate"),
        gettext_lazy("Projects not terminated / projects in the cohort (履约率)."),
        gettext_lazy("projects not terminated"),
        gettext_lazy("projects in the cohort"),
        RATIO,
        numerator="not_terminated",
        denominator="projects",
    ),
    Metric(
        "landing_rate",
        gettext_lazy("Landing rate"),
        gettext_lazy("Projects registered locally (registered or any later stage) / projects in the cohort (落地率)."),
        gettext_lazy("projects registered or later"),
        gettext_lazy("projects in the cohort"),
        RATIO,
        numerator="registered",
        denominator="projects",
    ),
    Metric(
        "start_rate_signed",
        gettext_lazy("Start rate"),
        gettext_lazy(
            "Projects whose construction started (or later) / all projects in the cohort (开工率, signed basis)."
        ),
        gettext_lazy("projects started or later"),
        gettext_lazy("projects in the cohort"),
        RATIO,
        variant=gettext_lazy("signed basis"),
        numerator="started",
        denominator="projects",
    ),
    Metric(
        "start_rate_due",
        gettext_lazy("Start rate"),
        gettext_lazy(
            "Of the projects whose planned start date has passed by the as-of date, those started (or later) "
            "/ those projects (开工率, due basis). Projects without a planned start are not due."
        ),
        gettext_lazy("projects due to start that started"),
        gettext_lazy("projects whose planned start has passed"),
        RATIO,
        variant=gettext_lazy("due basis"),
        numerator="started_of_due",
        denominator="due_to_start",
    ),
    Metric(
        "production_rate",
        gettext_lazy("Production rate"),
        gettext_lazy("Projects in production (or reached design output) / projects in the cohort (投产率)."),
        gettext_lazy("projects in production or later"),
        gettext_lazy("projects in the cohort"),
        RATIO,
        numerator="in_production",
        denominator="projects",
    ),
    Metric(
        "funds_in_place_rate",
        gettext_lazy("Funds-in-place rate"),
        gettext_lazy(
            "Cumulative funds in place (到位资金, latest progress report on or before the as-of date) "
            "/ contract investment of the cohort (资金到位率). Projects with an undisclosed amount stay "
            "out of both."
        ),
        gettext_lazy("cumulative funds in place"),
        gettext_lazy("contract investment"),
        RATIO,
        source="supervision",
        compute=_funds_in_place,
    ),
    Metric(
        "large_share_count",
        gettext_lazy("Large-project share"),
        gettext_lazy(
            "Projects of RMB 1 billion or more / projects in the cohort whose amount was made public "
            "(大项目占比, by count). Projects with an undisclosed amount stay out."
        ),
        gettext_lazy("projects of RMB 1 billion or more"),
        gettext_lazy("projects with a disclosed amount"),
        RATIO,
        variant=gettext_lazy("by count"),
        numerator="large_count",
        denominator="disclosed",
    ),
    Metric(
        "large_share_value",
        gettext_lazy("Large-project share"),
        gettext_lazy("Contract investment of projects of RMB 1 billion or more / signed value (大项目占比, by value)."),
        gettext_lazy("value of projects of RMB 1 billion or more"),
        gettext_lazy("signed value"),
        RATIO,
        variant=gettext_lazy("by value"),
        numerator="large_value",
        denominator="value",
    ),
    Metric(
        "emerging_share_value",
        gettext_lazy("Strategic-emerging share"),
        gettext_lazy("Contract investment in strategic emerging industries / signed value (战新占比, by value)."),
        gettext_lazy("value in strategic emerging industries"),
        gettext_lazy("signed value"),
        RATIO,
        variant=gettext_lazy("by value"),
        numerator="emerging_value",
        denominator="value",
    ),
    Metric(
        "emerging_share_count",
        gettext_lazy("Strategic-emerging share"),
        gettext_lazy("Projects in strategic emerging industries / projects in the cohort (战新占比, by count)."),
        gettext_lazy("projects in strategic emerging industries"),
        gettext_lazy("projects in the cohort"),
        RATIO,
        variant=gettext_lazy("by count"),
        numerator="emerging_count",
        denominator="projects",
    ),
    Metric(
        "issue_resolution_rate",
        gettext_lazy("Issue resolution within deadline"),
        gettext_lazy(
            "Issues of the cohort's projects closed (销号) within their deadline / issues whose deadline "
            "fell on or before the as-of date."
        ),
        gettext_lazy("issues closed within deadline"),
        gettext_lazy("issues due"),
        RATIO,
        source="escalation",
        compute=_issue_resolution,
    ),
    Metric(
        "overdue_issues",
        gettext_lazy("Overdue issues"),
        gettext_lazy(
            "Issues of the cohort's projects open on the as-of date whose current step (respond, assess, "
            "resolve) was past its deadline that day."
        ),
        gettext_lazy("overdue issues"),
        None,
        "count",
        source="escalation",
        compute=_overdue_issues,
        lower_is_better=True,
    ),
    Metric(
        "opportunities_listed",
        gettext_lazy("Opportunities listed"),
        gettext_lazy(
            "Opportunities on the opportunity lists (机会清单) of the cohort, published or not, listed by the "
            "as-of date. The cohort reads for opportunities: the area hosting them, their sectors, the event "
            "where their list was released and the list's release date."
        ),
        gettext_lazy("opportunities"),
        None,
        "count",
        source="opportunities",
        compute=_opportunity_figure("opportunities_listed"),
    ),
    Metric(
        "opportunity_estimated_value",
        gettext_lazy("Estimated investment listed"),
        gettext_lazy(
            "Sum of the estimated investment (in CNY) of the opportunities listed. Opportunities without a "
            "published amount add nothing and are said apart; when none has one, the figure is undisclosed."
        ),
        gettext_lazy("estimated investment"),
        None,
        CNY,
        source="opportunities",
        compute=_opportunity_figure("opportunity_estimated_value"),
    ),
    Metric(
        "opportunities_published",
        gettext_lazy("Opportunities published"),
        gettext_lazy(
            "Opportunities listed on a list marked published and released by the as-of date (or with no release date)."
        ),
        gettext_lazy("opportunities published"),
        None,
        "count",
        source="opportunities",
        compute=_opportunity_figure("opportunities_published"),
    ),
    Metric(
        "opportunities_taken_up",
        gettext_lazy("Opportunities taken up"),
        gettext_lazy("Opportunities in talks or signed on the as-of date, by their status history."),
        gettext_lazy("opportunities in talks or signed"),
        None,
        "count",
        source="opportunities",
        compute=_opportunity_figure("opportunities_taken_up"),
    ),
    Metric(
        "opportunities_signed",
        gettext_lazy("Opportunities signed"),
        gettext_lazy("Opportunities signed as projects by the as-of date, by their status history."),
        gettext_lazy("opportunities signed"),
        None,
        "count",
        source="opportunities",
        compute=_opportunity_figure("opportunities_signed"),
    ),
    Metric(
        "opportunity_signed_value",
        gettext_lazy("Value signed from listed opportunities"),
        gettext_lazy(
            "Sum of the contract investment (in CNY) of the projects the opportunities signed became, as the "
            "ledger held them on the as-of date, among the projects you may see. A project with an "
            "undisclosed amount adds nothing and is said apart; when every one is, the figure is undisclosed."
        ),
        gettext_lazy("contract investment"),
        None,
        CNY,
        source="opportunities",
        compute=_opportunity_figure("opportunity_signed_value"),
    ),
    Metric(
        "leads_open",
        gettext_lazy("Open leads"),
        gettext_lazy(
            "Leads received by the as-of date and still open that day (new, contacted, assessed or under "
            "negotiation 在谈), counted at the stage their stage log had reached; the breakdown by stage is the "
            "pipeline."
        ),
        gettext_lazy("open leads"),
        None,
        "count",
        source="leads",
        compute=LeadFigure("leads_open"),
    ),
    Metric(
        "lead_response_rate",
        gettext_lazy("Lead response within deadline"),
        gettext_lazy(
            "Leads first contacted on or before their respond-by date (working days of their lead class) / "
            "leads contacted or past that date by the as-of date."
        ),
        gettext_lazy("leads answered within the deadline"),
        gettext_lazy("leads due to be answered"),
        RATIO,
        source="leads",
        compute=LeadFigure("lead_response_rate"),
    ),
    Metric(
        "lead_conversion_rate",
        gettext_lazy("Lead conversion"),
        gettext_lazy(
            "Leads signed (converted into a project) / qualified leads (those past the stage “new”, lost ones "
            "included), as of the date."
        ),
        gettext_lazy("leads signed"),
        gettext_lazy("qualified leads"),
        RATIO,
        source="leads",
        compute=LeadFigure("lead_conversion_rate"),
    ),
    Metric(
        "lead_days_to_signing",
        gettext_lazy("Time from lead to signing"),
        gettext_lazy(
            "Mean number of calendar days from the day a lead was received to the day it was signed, over the "
            "leads signed by the as-of date."
        ),
        gettext_lazy("days from lead to signing, summed"),
        gettext_lazy("leads signed"),
        DAYS,
        source="leads",
        compute=LeadFigure("lead_days_to_signing"),
        lower_is_better=True,
    ),
    Metric(
        "negotiating_value",
        gettext_lazy("Negotiating pipeline value"),
        gettext_lazy("Sum of the intended investment of the leads under negotiation (在谈) on the as-of date."),
        gettext_lazy("intended investment under negotiation"),
        None,
        CNY,
        source="leads",
        compute=LeadFigure("negotiating_value"),
    ),
    Metric(
        "referrer_credit",
        gettext_lazy("Referral credit"),
        gettext_lazy(
            "Contract investment credited to investment ambassadors and agencies: each referrer's share of the "
            "projects signed from the leads they brought, by the as-of date; the breakdown is by referrer."
        ),
        gettext_lazy("contract investment credited to referrers"),
        None,
        CNY,
        source="leads",
        compute=LeadFigure("referrer_credit"),
    ),
]
REGISTRY.update({m.key: m for m in METRICS})


def label(metric: Metric) -> str:
    """Name with its variant: "Start rate (due basis)"."""
    return f"{metric.name} ({metric.variant})" if metric.variant else str(metric.name)


def ledger_parts(user, cohort: Cohort, as_of: dt.date, base=None) -> dict:
    """All parts of the ledger figures of a cohort, in one query."""
    from investledger.reporting import summary

    return summary.figures_for(user, cohort, as_of, base).totals()


def compute_all(
    user, cohort: Cohort, as_of: dt.date, keys=None, base=None, values=None, figures=None
) -> dict[str, Result]:
    """Every registered figure (or those in `keys`) for the cohort as of the date.

    `base` replaces the user's visible projects (the public page passes the whole ledger, and only
    ever shows aggregates). `figures` (summary.Figures) answers the ledger parts and funds in place
    in one grouped query; `values` may pass parts already computed.
    """
    from investledger.reporting import summary

    wanted = [REGISTRY[k] for k in keys] if keys else METRICS
    cohort_text = cohort.describe()
    out: dict[str, Result] = {}
    needs_figures = any(m.compute is None or m.key == "funds_in_place_rate" for m in wanted)
    if figures is None and needs_figures and (values is None or "funds_in_place_rate" in {m.key for m in wanted}):
        figures = summary.figures_for(user, cohort, as_of, base)
    if any(m.compute is None for m in wanted):
        if values is None:
            values = figures.totals()
        for m in wanted:
            if m.compute is None:
                out[m.key] = result_from_parts(m, values, cohort_text, as_of)
    if any(m.source == "opportunities" for m in wanted):
        out.update(opportunity_figures(user, cohort, as_of))
    for m in wanted:
        if m.key == "funds_in_place_rate":
            out[m.key] = _funds_from(m, figures, cohort, as_of)
        elif m.source == "opportunities":
            continue
        elif m.compute is not None:
            out[m.key] = m.compute(user, cohort, as_of, base)
    return {m.key: out[m.key] for m in wanted}


def _funds_from(metric: Metric, figures, cohort: Cohort, as_of: dt.date) -> Result:
    funds = figures.funds_total()
    if funds is None:
        return not_available(metric, cohort, as_of, _("Not available yet: progress reports are not recorded yet."))
    contract = figures.totals()["value"]
    return Result(metric, ratio(funds, contract), funds, contract, cohort.describe(), as_of)


def as_of_text(as_of: dt.date) -> str:
    return gettext_lazy("as of %(date)s") % {"date": date_format(as_of)}
