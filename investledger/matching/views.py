"""Pages of matching: the investors ranked for an opportunity (a block of its page), a match dismissed with
its reason and undone, and the weights the bureau gives each reason, with what they do."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from investledger.core import access
from investledger.core.access import Action
from investledger.core.views import allowed, get_visible_or_404, posted, require, submit
from investledger.ledger.investors.models import Investor
from investledger.ledger.opportunities import permissions as opportunity_permissions
from investledger.ledger.opportunities.models import Opportunity
from investledger.matching import explain, scoring, selectors, services
from investledger.matching.forms import DismissForm, WeightsForm
from investledger.matching.models import Dismissal, MatchWeights
from investledger.reference.models import Sector

# How many investors an opportunity's page ranks.
MATCHES_SHOWN = 10
# Who may dismiss a match, and undo it: whoever may change the opportunity.
DISMISS = opportunity_permissions.UPDATE


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


def sector_names(matches: list[scoring.Match]) -> dict[int, str]:
    ids = {
        part.facts.get(key)
        for match in matches
        for part in match.parts
        if part.reason == scoring.SECTOR
        for key in ("investor_sector", "opportunity_sector")
    }
    return {pk: sector.label for pk, sector in Sector.objects.in_bulk([i for i in ids if i]).items()}


def ranked_investors(user, opportunity, limit: int = MATCHES_SHOWN) -> list[dict]:
    """The investors `user` may see that fit `opportunity` best, each with its score and reasons said."""
    matches = selectors.investors_for(selectors.opportunity_input(opportunity), user, limit=limit)
    investors = Investor.objects.in_bulk([m.investor_id for m in matches])
    sectors = sector_names(matches)
    return [
        {"investor": investors[m.investor_id], "score": m.score, "reasons": explain.explain(m, sectors)}
        for m in matches
    ]


def opportunity_matches(request, opportunity, context) -> dict:
    """The block of an opportunity's page: the investors that fit it, best first, and the matches dismissed."""
    user = request.user
    return {
        "opportunity_page_blocks": [*context["opportunity_page_blocks"], "matching/_opportunity_matches.html"],
        "matches": ranked_investors(user, opportunity),
        "dismissed": selectors.dismissed_for(opportunity, user),
        "can_dismiss": allowed(Opportunity.objects, user, opportunity, DISMISS),
        "dismiss_form": DismissForm(),
    }


def investor_matches(request, investor, context) -> dict:
    """The block of an investor's page: the opportunities that fit its profile, best first, with reasons;
    each can be dismissed there by whoever may change the opportunity, and the dismissals are listed."""
    user = request.user
    matches = selectors.opportunities_for(investor, user)
    opportunities = Opportunity.objects.select_related("host_area", "category").in_bulk(
        [m.opportunity_id for m in matches]
    )
    sectors = sector_names(matches)
    dismissed = list(selectors.dismissed_of(investor, user))
    shown = {m.opportunity_id for m in matches} | {d.opportunity_id for d in dismissed}
    may_dismiss = (
        set(Opportunity.objects.visible_to(user, DISMISS).filter(pk__in=shown).values_list("pk", flat=True))
        if access.can(user, DISMISS)
        else set()
    )
    return {
        "investor_page_blocks": [*context["investor_page_blocks"], "matching/_investor_matches.html"],
        "opportunity_matches": [
            {
                "opportunity": opportunities[m.opportunity_id],
                "score": m.score,
                "reasons": explain.explain(m, sectors),
                "can_dismiss": m.opportunity_id in may_dismiss,
            }
            for m in matches
        ],
        "investor_dismissed": [(d, d.opportunity_id in may_dismiss) for d in dismissed],
    }


# Where a dismissal (or its undoing) returns: the opportunity's page, or the investor's when sent from there.
BACK_TO_INVESTOR = "investor"


def _opportunity_url(opportunity) -> str:
    return reverse("opportunities:opportunity_detail", args=[opportunity.pk]) + "#matches"


def _back_url(request, opportunity, investor) -> str:
    if request.POST.get("back") == BACK_TO_INVESTOR:
        return reverse("investors:investor_detail", args=[investor.pk]) + "#opportunity-matches"
    return _opportunity_url(opportunity)


@login_required
@require_http_methods(["GET", "POST"])
def match_dismiss(request, pk: int, investor_pk: int):
    """Dismiss an investor's match for an opportunity, with the reason (a form of its own when refused)."""
    user = request.user
    opportunity = get_visible_or_404(Opportunity.objects.select_related("list"), user, pk, DISMISS)
    investor = get_visible_or_404(Investor.objects, user, investor_pk)
    form = DismissForm(posted(request))
    done = submit(
        request,
        form,
        lambda data: services.match_dismiss(
            opportunity=opportunity, investor=investor, reason=data["reason"], user=user
        ),
        success=_("Match of “%(investor)s” dismissed; it no longer ranks for this opportunity.")
        % {"investor": investor.name},
        then=_back_url(request, opportunity, investor),
    )
    back = request.POST.get("back") if request.POST.get("back") == BACK_TO_INVESTOR else ""
    context = {"form": form, "opportunity": opportunity, "investor": investor, "back": back}
    return done or render(request, "matching/dismiss_form.html", context)


@login_required
@require_POST
def match_restore(request, pk: int):
    """Undo a dismissal: the investor ranks for the opportunity again."""
    user = request.user
    dismissal = get_visible_or_404(Dismissal.objects.select_related("opportunity", "investor"), user, pk, DISMISS)
    if not Investor.objects.visible_to(user).filter(pk=dismissal.investor_id).exists():
        raise Http404
    services.match_restore(dismissal=dismissal)
    messages.success(
        request,
        _("Dismissal undone: “%(investor)s” ranks for this opportunity again.") % {"investor": dismissal.investor.name},
    )
    return redirect(_back_url(request, dismissal.opportunity, dismissal.investor))
