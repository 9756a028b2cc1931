"""The public catalogue: open opportunities of published lists, readable without signing in, in both
languages, with an "express interest" form and a machine-readable feed (JSON and CSV).

Everything here starts from `Opportunity.objects.public()`: an opportunity in talks, signed or
withdrawn, or on a list not published, is not found (404), whatever its id.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from investledger.core import clock, spreadsheets
from investledger.core.forms import style_filters
from investledger.core.middleware import client_address
from investledger.core.views import paginate_by_ids
from investledger.core.widgets import FastSelect, cached_choices
from investledger.core.widgets import version as choices_version
from investledger.ledger.opportunities import feed, services
from investledger.ledger.opportunities.filtersets import OpportunityFilterSet
from investledger.ledger.opportunities.forms import InterestForm
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory
from investledger.reference.models import Area, Sector

# A request body larger than this is refused before it is read: the form's fields together need far less.
INTEREST_MAX_BODY = 16 * 1024
RELATED = ("list", "list__publishing_area", "list__publishing_unit", "list__event", "category", "host_area")


def public_opportunities():
    return Opportunity.objects.public().select_related(*RELATED).prefetch_related("sectors")


def _used_choices() -> dict[str, list[int]]:
    """The categories, host areas and sectors of the published open opportunities."""
    used = Opportunity.objects.public().order_by()

    def ids(field: str) -> list[int]:
        return sorted({pk for pk in used.values_list(field, flat=True) if pk is not None})

    return {"category": ids("category"), "area": ids("host_area"), "sector": ids("sectors")}


def _filtered(request):
    filterset = OpportunityFilterSet(request.GET or None, queryset=public_opportunities(), request=request)
    form = filterset.form
    # Choices offered are those the catalogue holds, so no filter leads to an empty page by design; which
    # they are is read once per data version (at 10,000 opportunities the sectors' alone took 15 ms).
    used = cached_choices("public-catalogue-choices", choices_version(), _used_choices)
    form.fields["category"].queryset = OpportunityCategory.objects.filter(pk__in=used["category"])
    form.fields["area"].queryset = Area.objects.filter(pk__in=used["area"]).order_by("path")
    form.fields["sector"].queryset = Sector.objects.filter(pk__in=used["sector"]).order_by("position", "code")
    style_filters(form)
    for name in ("category", "area", "sector", "size", "mode"):
        field = form.fields[name]
        # Written directly: Django's option template is about 0.1 ms an option, over a hundred here.
        field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, queryset.order_by("list__released_on", "category__position", "id")


@require_GET
def catalogue(request):
    filterset, queryset = _filtered(request)
    page = paginate_by_ids(request, queryset, 24)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": filterset.form,
        "page_obj": page,
        "query": query.urlencode(),
        "count": page.paginator.count,
    }
    return render(request, "opportunities/public_catalogue.html", context)


@require_GET
def detail(request, pk: int):
    opportunity = get_object_or_404(public_opportunities(), pk=pk)
    return _detail_page(request, opportunity, InterestForm())


def _detail_page(request, opportunity, form, status: int = 200, refusal: str = ""):
    context = {"opportunity": opportunity, "form": form, "sectors": opportunity.sectors.all(), "refusal": refusal}
    return render(request, "opportunities/public_detail.html", context, status=status)


@require_http_methods(["POST"])
def interest(request, pk: int):
    """Keep a reader's interest for the list's unit: refused whole, with a message, if anything is wrong."""
    opportunity = get_object_or_404(public_opportunities(), pk=pk)
    if int(request.META.get("CONTENT_LENGTH") or 0) > INTEREST_MAX_BODY:
        refusal = _("The message is too long to be sent: keep it under 2,000 characters.")
        return _detail_page(request, opportunity, InterestForm(), status=413, refusal=refusal)
    form = InterestForm(request.POST)
    if form.is_robot:
        refusal = _("The message was not sent: a field meant to stay empty was filled in, as programs do.")
        return _detail_page(request, opportunity, InterestForm(), status=400, refusal=refusal)
    if not form.is_valid():
        return _detail_page(request, opportunity, form, status=400)
    data = form.cleaned_data
    try:
        services.interest_submit(
            opportunity=opportunity,
            name=data["name"],
            organisation=data["organisation"],
            email=data["email"],
            message=data["message"],
            language=get_language() or "",
            client=client_address(request) or "",
        )
    except services.TooManyInterests:
        form.add_error(
            None,
            _("Too many messages were sent from your address in the last hour; please try again later."),
        )
        return _detail_page(request, opportunity, form, status=429)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _detail_page(request, opportunity, form, status=400)
    publisher = opportunity.list.publishing_unit or opportunity.list.publishing_area
    messages.success(
        request,
        _("Thank you: your interest was passed to %(publisher)s, who will answer by e-mail.")
        % {"publisher": publisher.label},
    )
    return redirect(reverse("opportunities:public_detail", args=[opportunity.pk]))


@require_GET
def feed_json(request):
    _filterset, queryset = _filtered(request)
    return JsonResponse(
        feed.document(queryset, request=request, generated=clock.now()), json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def feed_csv(request):
    _filterset, queryset = _filtered(request)
    response: HttpResponse = StreamingHttpResponse(
        spreadsheets.csv_lines(feed.csv_rows(queryset, request=request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="opportunities.csv"'
    return response
