"""Pages of opportunity lists for the people who keep them: the lists, a list with its totals and chart,
an opportunity with its status history, the forms that change them, and the inbox of interest.

Reads start from `visible_to(request.user)`; writes go through `services` by `core.views.submit`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from investledger.core import access
from investledger.core.views import allowed, get_visible_or_404, paginate, posted, require, submit
from investledger.ledger.opportunities import permissions, selectors, services
from investledger.ledger.opportunities.choices import InterestState
from investledger.ledger.opportunities.forms import ListForm, OpportunityForm, StatusForm
from investledger.ledger.opportunities.models import Interest, Opportunity, OpportunityList
from investledger.ledger.projects.models import Project


def _conflict() -> str:
    return _("Someone else saved this record meanwhile; reload to see their changes.")


def _list_url(opportunity_list) -> str:
    return reverse("opportunities:list_detail", args=[opportunity_list.pk])


def _detail_url(opportunity) -> str:
    return reverse("opportunities:opportunity_detail", args=[opportunity.pk])


@login_required
def list_index(request):
    """The lists the user may see, each with its computed totals, and what became of their opportunities."""
    user = request.user
    lists = list(OpportunityList.objects.visible_to(user).select_related("publishing_area", "publishing_unit", "event"))
    opportunities = Opportunity.objects.visible_to(user)
    totals = selectors.totals_by_list(opportunities.filter(list__in=lists))
    rows = [(item, totals.get(item.pk) or selectors.Totals(0, Decimal("0"), False)) for item in lists]
    context = {
        "rows": rows,
        "follow_up": selectors.follow_up(user, opportunities),
        "can_create": access.can(user, permissions.CREATE),
        "unread": Interest.objects.visible_to(user).filter(state=InterestState.NEW).count(),
    }
    return render(request, "opportunities/list_index.html", context)


@login_required
def list_detail(request, pk: int):
    user = request.user
    opportunity_list = get_visible_or_404(
        OpportunityList.objects.select_related("publishing_area", "publishing_unit", "event"), user, pk
    )
    opportunities = (
        Opportunity.objects.visible_to(user)
        .filter(list=opportunity_list)
        .select_related("category", "host_area", "project")
        .order_by("category__position", "id")
    )
    totals = selectors.list_totals(opportunities)
    context = {
        "opportunity_list": opportunity_list,
        "opportunities": opportunities,
        "totals": totals,
        "chart": totals.chart(),
        "follow_up": selectors.follow_up(user, opportunities),
        "can_change": allowed(OpportunityList.objects, user, opportunity_list, permissions.UPDATE),
    }
    return render(request, "opportunities/list_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def list_create(request):
    user = request.user
    require(user, permissions.CREATE)
    form = ListForm(posted(request), user=user)
    done = submit(
        request,
        form,
        lambda data: services.list_create(fields=form.service_fields()),
        success=lambda item: _("List “%(title)s” created.") % {"title": item.label},
        then=_list_url,
    )
    return done or render(request, "opportunities/list_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def list_edit(request, pk: int):
    user = request.user
    opportunity_list = get_visible_or_404(OpportunityList.objects, user, pk, permissions.UPDATE)
    form = ListForm(posted(request), instance=opportunity_list, user=user)
    done = submit(
        request,
        form,
        lambda data: services.list_update(
            opportunity_list=opportunity_list, fields=form.service_fields(), expected_version=data["version"]
        ),
        success=_("Changes saved."),
        conflict=_conflict,
        then=_list_url,
    )
    stored = OpportunityList.objects.get(pk=pk)
    return done or render(request, "opportunities/list_form.html", {"form": form, "opportunity_list": stored})


@login_required
def opportunity_detail(request, pk: int):
    user = request.user
    opportunity = get_visible_or_404(
        Opportunity.objects.select_related("list", "category", "host_area", "project", "list__publishing_unit"),
        user,
        pk,
    )
    context = {
        "opportunity": opportunity,
        "sectors": opportunity.sectors.order_by("position", "code"),
        "history": opportunity.status_changes.select_related("project", "changed_by"),
        "interests": Interest.objects.visible_to(user).filter(opportunity=opportunity).count(),
        "project_visible": opportunity.project_id is not None
        and Project.objects.visible_to(user).filter(pk=opportunity.project_id).exists(),
        "can_change": allowed(Opportunity.objects, user, opportunity, permissions.UPDATE),
        "opportunity_page_blocks": [],
    }
    for extend in OPPORTUNITY_PAGE:
        context.update(extend(request, opportunity, context))
    return render(request, "opportunities/opportunity_detail.html", context)


# What apps above the ledger add to an opportunity's page (matching ranks the investors that fit it):
# functions of (request, opportunity, context) giving context, registered from their AppConfig.ready();
# a block shown on the page appends its template to the context's `opportunity_page_blocks`.
OPPORTUNITY_PAGE: list = []


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request, list_pk: int):
    user = request.user
    opportunity_list = get_visible_or_404(OpportunityList.objects, user, list_pk, permissions.UPDATE)
    form = OpportunityForm(posted(request), user=user, opportunity_list=opportunity_list)

    def create(data):
        fields, sectors = form.service_fields()
        return services.opportunity_create(opportunity_list=opportunity_list, fields=fields, sectors=sectors)

    done = submit(
        request,
        form,
        create,
        success=lambda item: _("Opportunity “%(title)s” added.") % {"title": item.label},
        then=_detail_url,
    )
    context = {"form": form, "opportunity_list": opportunity_list, "creating": True}
    return done or render(request, "opportunities/opportunity_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk: int):
    user = request.user
    opportunity = get_visible_or_404(Opportunity.objects.select_related("list"), user, pk, permissions.UPDATE)
    form = OpportunityForm(posted(request), instance=opportunity, user=user, opportunity_list=opportunity.list)

    def update(data):
        fields, sectors = form.service_fields()
        return services.opportunity_update(
            opportunity=opportunity, fields=fields, sectors=sectors, expected_version=data["version"]
        )

    done = submit(request, form, update, success=_("Changes saved."), conflict=_conflict, then=_detail_url)
    stored = Opportunity.objects.select_related("list").get(pk=pk)
    context = {"form": form, "opportunity_list": stored.list, "opportunity": stored}
    return done or render(request, "opportunities/opportunity_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_status(request, pk: int):
    """Move an opportunity to in talks, signed (with the project it became) or withdrawn, with the reason."""
    user = request.user
    opportunity = get_visible_or_404(
        Opportunity.objects.select_related("list__publishing_area"), user, pk, permissions.SET_STATUS
    )
    form = StatusForm(posted(request), user=user, opportunity=opportunity, initial={"version": opportunity.version})
    done = submit(
        request,
        form,
        lambda data: services.opportunity_set_status(
            opportunity=opportunity,
            status=data["status"],
            reason=data["reason"],
            project=data["project"],
            on=data["on"],
            expected_version=data["version"],
        ),
        success=lambda change: _("Status changed to %(status)s.") % {"status": change.get_to_status_display()},
        conflict=_conflict,
        then=lambda change: _detail_url(opportunity),
    )
    return done or render(request, "opportunities/status_form.html", {"form": form, "opportunity": opportunity})


# What higher apps offer on an item of the inbox, registered from their AppConfig.ready() so that
# opportunities imports none of them (leads: open a lead from the interest). Each is called with the
# user and the page's interests and answers {interest pk: {"label", "url", and "post" for a button}}.
INBOX_OFFERS: list = []


@login_required
def inbox(request):
    """Interest left on the public catalogue for the user's areas and unit, newest first."""
    user = request.user
    interests = (
        Interest.objects.visible_to(user)
        .select_related("opportunity", "opportunity__list", "handled_by")
        .order_by("state", "-created", "-id")
    )
    state = request.GET.get("state")
    if state in InterestState.values:
        interests = interests.filter(state=state)
    page = paginate(request, interests, 25)
    handleable = set(
        Interest.objects.visible_to(user, permissions.HANDLE_INTEREST)
        .filter(pk__in=[i.pk for i in page.object_list])
        .values_list("pk", flat=True)
    )
    for interest in page.object_list:
        interest.offers = []
    for offers_of in INBOX_OFFERS:
        offers = offers_of(user, page.object_list)
        for interest in page.object_list:
            if interest.pk in offers:
                interest.offers.append(offers[interest.pk])
    context = {"page_obj": page, "handleable": handleable, "state": state, "states": InterestState.choices}
    return render(request, "opportunities/inbox.html", context)


@login_required
@require_POST
def interest_handle(request, pk: int):
    user = request.user
    interest = get_visible_or_404(Interest.objects, user, pk, permissions.HANDLE_INTEREST)
    services.interest_handle(interest=interest, note=request.POST.get("note", ""))
    return redirect(reverse("opportunities:inbox"))
