"""An expression of interest in an opportunity opened as a lead, with one click in the opportunities' inbox.

The inbox belongs to opportunities, which imports nothing of leads: `LeadsConfig.ready()` registers
`inbox_offers` there, and the button posts here. The interest is looked up among those the user may
read (404 otherwise); a user who may not open leads gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from investledger.core import access
from investledger.core.access import Action
from investledger.leads import selectors, services
from investledger.leads.models import Lead
from investledger.ledger.opportunities.models import Interest


def inbox_offers(user, interests) -> dict:
    """On each inbox item: the lead it became (a link, for those who may read it), or the button that
    opens one (for those who may open leads)."""
    ids = [i.pk for i in interests]
    opened = {
        lead.interest_id: lead
        for lead in Lead.objects.visible_to(user).filter(interest_id__in=ids).only("pk", "reference", "interest_id")
    }
    taken = set(Lead.objects.filter(interest_id__in=ids).values_list("interest_id", flat=True))
    may_open = access.can_lead(user, Action.CREATE)
    offers = {}
    for pk in ids:
        if pk in opened:
            lead = opened[pk]
            url = reverse("leads:lead_detail", args=[lead.pk])
            offers[pk] = {"name": "lead", "label": _("Lead %(ref)s") % {"ref": lead.reference}, "url": url}
        elif pk not in taken and may_open:
            url = reverse("leads:lead_from_interest", args=[pk])
            offers[pk] = {"name": "open-lead", "label": _("Open a lead"), "url": url, "post": True}
    return offers


@login_required
@require_POST
def lead_from_interest(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_object_or_404(Interest.objects.visible_to(request.user).select_related("opportunity"), pk=pk)
    if not access.can_lead(request.user, Action.CREATE):
        raise PermissionDenied
    try:
        lead = services.lead_from_interest(
            interest=interest, by=request.user, confirm_not_duplicate=request.POST.get("confirm") == "1"
        )
    except services.DuplicateLeadSuspected as warned:
        notes = selectors.duplicate_notes(warned.candidates, request.user)
        context = {"interest": interest, "duplicates": notes}
        return render(request, "leads/lead_from_interest.html", context, status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("opportunities:inbox"))
    messages.success(request, _("Lead %(ref)s opened from the interest.") % {"ref": lead.reference})
    return redirect(reverse("leads:lead_detail", args=[lead.pk]))
