"""Pages of investors: the list with the projects and value the reader may see, and each investor's projects."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from investledger.core import access
from investledger.core.access import Action
from investledger.core.views import (
    ObjectListView,
    allowed,
    get_visible_or_404,
    record_form_page,
    require,
    submit,
)
from investledger.ledger.investors import services
from investledger.ledger.investors.filtersets import InvestorFilterSet
from investledger.ledger.investors.forms import InvestorForm, ProfileForm
from investledger.ledger.investors.models import Investor, InvestorProfile, ledger_projects
from investledger.ledger.investors.selectors import profile_facts

MONEY = DecimalField(max_digits=20, decimal_places=2)


def with_project_totals(queryset, user):
    """Annotate investors with the number and contract value of the projects they lead, that `user` may see."""
    # Scope through an id subquery: `visible_to` may join to-many relations and repeat rows.
    ids = (
        ledger_projects()
        .filter(investor=OuterRef("pk"), pk__in=ledger_projects().visible_to(user).values("pk"))
        .order_by()
    )
    count = ids.values("investor").annotate(n=Count("pk")).values("n")
    value = ids.values("investor").annotate(v=Sum("contract_value_cny")).values("v")
    return queryset.annotate(
        project_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        project_value=Coalesce(Subquery(value, output_field=MONEY), Value(Decimal("0"), output_field=MONEY)),
    )


class InvestorListView(ObjectListView):
    queryset = Investor.objects
    filterset_class = InvestorFilterSet
    template_name = "investors/investor_list.html"
    partial_template_name = "investors/_investor_table.html"
    table_id = "investor-table"

    def get_queryset(self):
        user = self.request.user
        return with_project_totals(Investor.objects.visible_to(user), user)

    def filterset_ready(self, filterset):
        fields = filterset.form.fields
        for name in ("origin", "ownership"):
            fields[name].widget.choices = [("", _("All"))] + list(fields[name].widget.choices)[1:]
        fields["fortune_global_500"].widget.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def extra_context_for(self, queryset):
        return {"can_create": access.can(self.request.user, Action.CREATE)}


investor_list = InvestorListView.as_view()


@login_required
def investor_detail(request, pk: int):
    user = request.user
    investor = get_visible_or_404(Investor.objects.select_related("parent"), user, pk)
    projects = (
        ledger_projects()
        .filter(
            pk__in=ledger_projects()
            .visible_to(user)
            .filter(Q(investor=investor) | Q(co_investors=investor))
            .values("pk")
        )
        .select_related("host_area", "sector", "first_event", "investor")
        .order_by("-signed_on", "-pk")
    )
    totals = projects.filter(investor=investor).aggregate(count=Count("pk"), value=Sum("contract_value_cny"))
    subsidiaries = Investor.objects.visible_to(user).filter(parent=investor).order_by("name")
    context = {
        "investor": investor,
        "projects": projects,
        "totals": totals,
        "subsidiaries": subsidiaries,
        "parent_visible": investor.parent_id
        and Investor.objects.visible_to(user).filter(pk=investor.parent_id).exists(),
        "city_wide": access.is_city_wide(user),
        "can_manage": allowed(Investor.objects, user, investor, Action.CHANGE),
    }
    profile = InvestorProfile.objects.filter(investor=investor).prefetch_related("sectors", "regions").first()
    context.update(profile=profile, profile_facts=profile_facts(profile) if profile else [], investor_page_blocks=[])
    for extend in INVESTOR_PAGE:
        context.update(extend(request, investor, context))
    return render(request, "investors/investor_detail.html", context)


# What apps above the ledger add to an investor's page (matching lists the opportunities that fit it):
# functions of (request, investor, context) giving context, registered from their AppConfig.ready(); a block
# shown on the page appends its template to the context's `investor_page_blocks`.
INVESTOR_PAGE: list = []


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk: int):
    """An investor's profile, edited by whoever may change the investor; an edit made on an older version
    of the profile is refused rather than overwriting the one saved meanwhile."""
    investor = get_visible_or_404(Investor.objects, request.user, pk, Action.CHANGE)
    profile = InvestorProfile.objects.filter(investor=investor).first()
    form = ProfileForm(request.POST or None, investor=investor, user=request.user)
    version = profile.version if profile else None
    if request.method == "POST":
        version = _posted_version(request, version)

    def write(data):
        return services.profile_save(
            investor=investor,
            fields={
                "ticket_min_cny": data["ticket_min_cny"],
                "ticket_max_cny": data["ticket_max_cny"],
                "modes": list(data["modes"]),
                "plans": data["plans"].strip(),
                "sources": form.sources(),
            },
            sectors=[s.pk for s in data["sectors"]],
            regions=[a.pk for a in data["regions"]],
            ownership=data["ownership"],
            expected_version=version,
        )

    done = submit(
        request,
        form,
        write,
        success=_("Profile of “%(name)s” saved.") % {"name": investor.name},
        then=reverse("investors:investor_detail", args=[investor.pk]),
        conflict=_("Someone saved this profile after you opened it; open it again to see their changes."),
        rename=form.rename(),
    )
    if done:
        return done
    context = {"form": form, "investor": investor, "version": version}
    return render(request, "investors/profile_form.html", context)


def _posted_version(request, default):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return default


def _detail_url(investor) -> str:
    return reverse("investors:investor_detail", args=[investor.pk])


@login_required
@require_http_methods(["GET", "POST"])
def investor_create(request):
    # Whoever may enter projects may enter the investor of a new project; changing one is the bureau's.
    require(request.user, Action.CREATE)
    return record_form_page(
        request,
        InvestorForm,
        write=lambda form, data: services.investor_create(**form.service_fields()),
        success=lambda investor: _("Investor “%(name)s” created.") % {"name": investor.name},
        then=_detail_url,
        template="investors/investor_form.html",
        name="investor",
    )


@login_required
@require_http_methods(["GET", "POST"])
def investor_edit(request, pk: int):
    investor = get_visible_or_404(Investor.objects, request.user, pk, Action.CHANGE)
    return record_form_page(
        request,
        InvestorForm,
        instance=investor,
        write=lambda form, data: services.investor_update(
            investor=investor, fields=form.service_fields(), expected_version=data["version"]
        ),
        success=lambda investor: _("Changes to “%(name)s” saved.") % {"name": investor.name},
        then=_detail_url,
        template="investors/investor_form.html",
        name="investor",
    )


SEARCH_LIMIT = 8


@login_required
@require_http_methods(["GET"])
def investor_search(request):
    """Investors whose name contains what is typed, for picking one while entering projects (htmx).

    Only the investors the reader may see are listed (the access rule's VIEW path: for a district
    officer, those of their area's projects and those no project names yet), so typing a letter never
    lists another district's investors. The list ends with the offer to create a new investor of that
    name when none of them is called exactly so; a row naming an existing investor by its exact name
    is still linked to it when saved (projects/ceremony.py).
    """
    require(request.user, Action.CREATE)
    # The grid's inputs are named per row ("form-3-investor_name"); `q` serves other callers.
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("investor_name")), "")
    query = query.strip()[:200]
    found = []
    exact = False
    if query:
        matches = Investor.objects.visible_to(request.user, Action.VIEW).filter(
            Q(name__icontains=query) | Q(name_en__icontains=query)
        )
        found = list(matches.order_by("name")[:SEARCH_LIMIT])
        exact = any(i.name.casefold() == query.casefold() for i in found) or matches.filter(name__iexact=query).exists()
    return render(
        request,
        "investors/_investor_search.html",
        {"query": query, "investors": found, "exact": exact, "target": request.GET.get("target", "")},
    )
