"""Pages of matching: the weights the bureau gives each reason, with what they do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from investledger.core import access
from investledger.core.access import Action
from investledger.core.views import require, submit
from investledger.matching import scoring, services
from investledger.matching.forms import WeightsForm
from investledger.matching.models import MatchWeights


def fit_levels() -> list[tuple[str, str]]:
    """What a partial fit of each reason is worth, read from the scoring's own constants."""
    pct = {k: int(v * 100) for k, v in scoring.SECTOR_FIT.items()}
    return [
        (
            "sector",
            _(
                "same sector %(same)s%%, same industry chain %(chain)s%%, neighbouring sector of the chain %(neighbour)s%%"
            )
            % pct,
        ),
        ("size", _("inside the ticket range 100%; outside, the ratio of the nearer bound to the amount")),
        (
            "region",
            _("in a preferred region 100%%; a preferred region inside the opportunity's area %(near)s%%")
            % {"near": int(scoring.REGION_NEAR * 100)},
        ),
        ("mode", _("the opportunity's mode is a preferred one 100%")),
        (
            "history",
            _(
                "projects in the city %(city)s%% (full from %(city_full)s), in the opportunity's area %(area)s%% (full from %(area_full)s)"
            )
            % {
                "city": int(scoring.HISTORY_CITY_SHARE * 100),
                "city_full": scoring.HISTORY_CITY_FULL,
                "area": int(scoring.HISTORY_AREA_SHARE * 100),
                "area_full": scoring.HISTORY_AREA_FULL,
            },
        ),
        ("text", _("how alike the descriptions are (0 to 100%)")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def weights_edit(request):
    """Everyone signed in may read the weights (they explain every score); the bureau changes them."""
    require(request.user, Action.VIEW)
    weights = MatchWeights.current()
    can_change = access.can(request.user, Action.MANAGE)
    if request.method == "POST":
        require(request.user, Action.MANAGE)
    form = WeightsForm(request.POST or None, instance=MatchWeights.current())
    try:
        version = int(request.POST.get("version", "")) if request.method == "POST" else weights.version
    except ValueError:
        version = weights.version
    done = submit(
        request,
        form,
        lambda data: services.weights_update(
            values={r: data[r] for r in scoring.REASONS}, expected_version=version if weights.pk else None
        ),
        success=_("Weights saved: every match is now scored with them."),
        then=reverse("matching:weights_edit"),
        conflict=_("Someone saved the weights after you opened them; open them again to see their values."),
    )
    if done:
        return done
    levels = dict(fit_levels())
    rows = [(form[r], levels[r]) for r in scoring.REASONS]
    context = {"form": form, "rows": rows, "weights": weights, "version": version, "can_change": can_change}
    return render(request, "matching/weights.html", context)
