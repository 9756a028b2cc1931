"""Pages of the registry of ambassadors and agencies, and their ranking."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from investledger.leads import selectors
from investledger.leads.choices import ReferrerKind
from investledger.leads.models import Lead, Referrer


@login_required
@require_GET
def referrer_list(request: HttpRequest) -> HttpResponse:
    referrers = Referrer.objects.visible_to(request.user).select_related("area", "appointed_at")
    kind = request.GET.get("kind")
    if kind in ReferrerKind.values:
        referrers = referrers.filter(kind=kind)
    return render(
        request,
        "leads/referrer_list.html",
        {
            "page": Paginator(referrers.order_by("kind", "name"), 100).get_page(request.GET.get("page")),
            "kinds": ReferrerKind.choices,
            "kind": kind,
            "totals": {
                k: Referrer.objects.visible_to(request.user).filter(kind=k).count() for k in ReferrerKind.values
            },
        },
    )


@login_required
@require_GET
def referrer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referrer = get_object_or_404(
        Referrer.objects.visible_to(request.user).select_related("area", "appointed_at"), pk=pk
    )
    leads = Lead.objects.visible_to(request.user).filter(referrer=referrer).select_related("owning_unit", "project")
    (row,) = selectors.referrer_ranking(Lead.objects.visible_to(request.user), [referrer])
    return render(request, "leads/referrer_detail.html", {"referrer": referrer, "leads": leads, "row": row})


@login_required
@require_GET
def referrer_ranking(request: HttpRequest) -> HttpResponse:
    rows = selectors.referrer_ranking(Lead.objects.visible_to(request.user), Referrer.objects.visible_to(request.user))
    return render(request, "leads/referrer_ranking.html", {"rows": [r for r in rows if r.leads][:100]})
