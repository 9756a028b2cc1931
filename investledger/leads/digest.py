"""The overdue leads in the daily digest (escalation's `build_digest`, which imports no lead: this
section is registered in `escalation.notifications.DIGEST_SECTIONS` from `LeadsConfig.ready()`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from investledger.core.access import Action
from investledger.escalation.notifications import DigestSection
from investledger.leads.models import Lead


def overdue_q(as_of: dt.date) -> Q:
    """Open leads with a step past its deadline on `as_of`: not contacted by the respond-by date, not
    assessed by the assess-by date, or no feedback by the feedback date (a deadline passes the day after)."""
    return (
        Q(respond_by__lt=as_of, contacted_on__isnull=True)
        | Q(assess_by__lt=as_of, assessed_on__isnull=True)
        | Q(feedback_by__lt=as_of, fed_back_on__isnull=True)
    )


def _late_step(lead: Lead, as_of: dt.date) -> tuple[str, dt.date]:
    for step, deadline, done in (
        (pgettext("lead step", "contact"), lead.respond_by, lead.contacted_on),
        (pgettext("lead step", "assessment"), lead.assess_by, lead.assessed_on),
        (pgettext("lead step", "feedback"), lead.feedback_by, lead.fed_back_on),
    ):
        if deadline and deadline < as_of and not done:
            return step, deadline
    return "", as_of


def overdue_leads_section(user, as_of: dt.date, calendar=None) -> DigestSection | None:
    """The overdue leads the user works on (those they may change), oldest deadline first."""
    leads = (
        Lead.objects.visible_to(user, Action.CHANGE)
        .open()
        .filter(received_on__lte=as_of)
        .filter(overdue_q(as_of))
        .select_related("owning_unit", "investor")
        .order_by("respond_by", "pk")[:100]
    )
    lines = []
    for lead in leads:
        step, deadline = _late_step(lead, as_of)
        lines.append(
            _("%(ref)s %(investor)s · %(unit)s · %(step)s was due %(date)s · level %(level)s")
            % {
                "ref": lead.reference,
                "investor": lead.investor_label,
                "unit": lead.owning_unit,
                "step": step,
                "date": deadline.isoformat(),
                "level": lead.level,
            }
        )
    return DigestSection(_("OVERDUE LEADS"), lines) if lines else None
