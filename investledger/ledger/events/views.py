"""Pages of signing events: the list with ledger totals, and each event's figures beside what was announced.

Ledger figures follow the counting-once rule (`Signing.counted_project` / `counted_value_cny`) and are
computed within what the reader may see.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from investledger.core import access, asof
from investledger.core.access import Action
from investledger.core.views import (
    ObjectListView,
    allowed,
    get_visible_or_404,
    record_form_page,
    require,
)
from investledger.ledger.events import services
from investledger.ledger.events.filtersets import SigningEventFilterSet
from investledger.ledger.events.forms import SigningEventForm
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals, event_totals_as_of, figures_by_event
from investledger.ledger.projects.models import Project


class EventListView(ObjectListView):
    queryset = SigningEvent.objects
    filterset_class = SigningEventFilterSet
    template_name = "events/event_list.html"
    partial_template_name = "events/_event_table.html"
    table_id = "event-table"

    def get_queryset(self):
        return SigningEvent.objects.visible_to(self.request.user)

    def decorate_page(self, events):
        figures = figures_by_event([e.pk for e in events], self.request.user)
        for event in events:
            row = figures.get(event.pk, {})
            event.ledger_count = row.get("project_count", 0)
            event.ledger_value = row.get("signed_value_cny", Decimal("0"))
            event.ledger_undisclosed = row.get("undisclosed_project_count", 0)

    def filterset_ready(self, filterset):
        form = filterset.form
        form.fields["kind"].widget.choices = [("", _("All"))] + list(form.fields["kind"].widget.choices)[1:]
        for name in ("date_from", "date_to"):
            form.fields[name].widget.input_type = "date"

    def extra_context_for(self, queryset):
        return {"can_manage": access.can(self.request.user, Action.MANAGE)}


event_list = EventListView.as_view()


# How many of the projects first signed at an event its page lists (the largest first).
PROJECTS_SHOWN = 100


@login_required
def event_detail(request, pk: int):
    user = request.user
    event = get_visible_or_404(SigningEvent.objects.select_related("lead_unit", "host_area"), user, pk)
    try:
        as_of = asof.parse_as_of(request.GET.get("as_of"))
        as_of_error = ""
    except asof.AsOfError as exc:
        as_of, as_of_error = None, str(exc)
    # ?as_of= shows the event's figures as the ledger stood then, rebuilt from the audit trail.
    totals = event_totals_as_of(event, user, as_of) if as_of else event_totals(event, user)
    sectors = [
        {
            "sector": line.sector,
            "count": line.count,
            "value": line.value_cny,
            "share": (line.value_cny / totals.value_cny) if totals.value_cny and not line.all_undisclosed else None,
            "undisclosed": line.all_undisclosed,
        }
        for line in totals.by_sector
    ]
    # The largest projects first signed here; a ceremony's fifty fit whole, an event with thousands
    # (a year's online signings) shows its largest and links to all of them in the ledger.
    projects = list(
        Project.objects.visible_to(user)
        .filter(first_event=event)
        .select_related("investor", "host_area", "sector")
        .order_by("-contract_value_cny", "pk")[: PROJECTS_SHOWN + 1]
    )
    context = {
        "event": event,
        "as_of": as_of,
        "as_of_raw": request.GET.get("as_of", ""),
        "as_of_error": as_of_error,
        "totals": totals,
        "sectors": sectors,
        "projects": projects[:PROJECTS_SHOWN],
        "more_projects": len(projects) > PROJECTS_SHOWN,
        "projects_shown": PROJECTS_SHOWN,
        "count_gap": (totals.count - event.announced_count) if event.announced_count is not None else None,
        "value_gap": (totals.value_cny - event.announced_value_cny) if event.announced_value_cny is not None else None,
        "announced_elsewhere": announced_elsewhere(user, event, totals) if not as_of else [],
        "city_wide": access.is_city_wide(user),
        "can_manage": allowed(SigningEvent.objects, user, event, Action.MANAGE),
        "can_enter_projects": access.can(user, Action.CREATE),
    }
    return render(request, "events/event_detail.html", context)


# What higher apps add to the event page, registered from their AppConfig.ready() so that events
# imports none of them: "announced" (user, event → the totals press releases announced for the
# event, as dicts with `label`, `url`, `count`, `value_cny`, `evidence`), given by intake.
EVENT_PAGE: dict = {}


def announced_elsewhere(user, event, totals) -> list[dict]:
    """Each release's announced total beside the ledger's count and value of the event (the same
    `event_totals` as the table above), with what is missing from the ledger."""
    found = EVENT_PAGE["announced"](user, event) if "announced" in EVENT_PAGE else []
    for item in found:
        item["missing_count"] = item["count"] - totals.count if item["count"] is not None else None
        item["missing_value"] = item["value_cny"] - totals.value_cny if item["value_cny"] is not None else None
    return found


def _detail_url(event) -> str:
    return reverse("events:event_detail", args=[event.pk])


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require(request.user, Action.MANAGE)
    return record_form_page(
        request,
        SigningEventForm,
        write=lambda form, data: services.event_create(fields=form.service_fields()),
        success=lambda event: _("Signing event “%(name)s” created.") % {"name": event.label},
        then=_detail_url,
        template="events/event_form.html",
        name="event",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = get_visible_or_404(SigningEvent.objects, request.user, pk, Action.MANAGE)
    return record_form_page(
        request,
        SigningEventForm,
        instance=event,
        write=lambda form, data: services.event_update(
            event=event, fields=form.service_fields(), expected_version=data["version"]
        ),
        success=lambda event: _("Changes to “%(name)s” saved.") % {"name": event.label},
        then=_detail_url,
        template="events/event_form.html",
        name="event",
    )
