"""Pages of the registry of ambassadors and agencies, and their ranking.

Every signed-in user with a role reads the registry; the bureau (those who manage reference data)
registers, edits and deactivates referrers, through `services_registry.referrer_save` and
`services_registry.referrer_set_active`, on the version the page showed.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from investledger.core import access, spreadsheets
from investledger.core.access import Action
from investledger.core.templatetags.ledger import label
from investledger.core.views import get_visible_or_404, posted, require, submit
from investledger.leads import selectors, services, services_registry
from investledger.leads.choices import ReferrerKind
from investledger.leads.forms import ActiveForm, ReferrerForm
from investledger.leads.models import Lead, Referrer


def _detail_url(referrer: Referrer) -> str:
    return reverse("leads:referrer_detail", args=[referrer.pk])


def _conflict() -> str:
    return _("Someone else changed this referrer meanwhile. Open it again to see their change, then make yours.")


@login_required
@require_GET
def referrer_list(request: HttpRequest) -> HttpResponse:
    visible = Referrer.objects.visible_to(request.user)
    referrers = visible.select_related("area", "appointed_at")
    kind = request.GET.get("kind")
    if kind in ReferrerKind.values:
        referrers = referrers.filter(kind=kind)
    return render(
        request,
        "leads/referrer_list.html",
        {
            "page": Paginator(referrers.order_by("-active", "kind", "name"), 100).get_page(request.GET.get("page")),
            "kinds": ReferrerKind.choices,
            "kind": kind,
            "totals": {k: visible.filter(kind=k).count() for k in ReferrerKind.values},
            "can_manage": access.can(request.user, Action.MANAGE),
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
    context = {
        "referrer": referrer,
        "leads": leads,
        "row": row,
        "can_manage": access.can(request.user, Action.MANAGE),
        "active_form": ActiveForm(initial={"version": referrer.version, "active": not referrer.active}),
    }
    return render(request, "leads/referrer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referrer_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE)
    form = ReferrerForm(posted(request))

    def create(data):
        fields, sectors = form.service_fields()
        return services_registry.referrer_save(fields=fields, sectors=sectors, by=request.user)

    done = submit(
        request,
        form,
        create,
        success=lambda referrer: _("%(name)s registered.") % {"name": referrer.label},
        then=_detail_url,
    )
    return done or render(request, "leads/referrer_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def referrer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referrer = get_visible_or_404(Referrer.objects, request.user, pk, Action.MANAGE)
    form = ReferrerForm(posted(request), instance=referrer)

    def update(data):
        fields, sectors = form.service_fields()
        return services_registry.referrer_save(
            referrer=referrer, fields=fields, sectors=sectors, by=request.user, expected_version=data["version"]
        )

    done = submit(request, form, update, success=_("Changes saved."), conflict=_conflict, then=_detail_url)
    stored = Referrer.objects.get(pk=pk)
    return done or render(request, "leads/referrer_form.html", {"form": form, "referrer": stored})


@login_required
@require_POST
def referrer_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    referrer = get_visible_or_404(Referrer.objects, request.user, pk, Action.MANAGE)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was incomplete; open the referrer again."))
        return redirect(_detail_url(referrer))
    active = form.cleaned_data["active"]
    try:
        services_registry.referrer_set_active(
            referrer=referrer, active=active, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except services.EditConflict:
        messages.error(request, _conflict())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            (
                _("%(name)s is active again.")
                if active
                else _("%(name)s was deactivated: new leads no longer name them.")
            )
            % {"name": referrer.label},
        )
    return redirect(_detail_url(referrer))


@login_required
@require_GET
def referrer_ranking(request: HttpRequest) -> HttpResponse:
    rows = selectors.referrer_ranking(Lead.objects.visible_to(request.user), Referrer.objects.visible_to(request.user))
    rows = [r for r in rows if r.leads]
    if request.GET.get("format") == "xlsx":
        return _ranking_workbook(rows)
    return render(request, "leads/referrer_ranking.html", {"rows": rows[:100]})


def _ranking_workbook(rows) -> HttpResponse:
    """The ranking as the report a bureau files: every referrer with a lead in the reader's scope, in the
    page's order and words, amounts in yuan as exact numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Referrer ranking"))[:31])
    header = [_("Rank"), _("Referrer"), _("Kind"), _("Leads"), _("Conversions")]
    header += [_("Credited signed value (CNY)"), _("Credited landed value (CNY)")]
    sheet.append(spreadsheets.xlsx_row(sheet, [str(h) for h in header]))
    for rank, row in enumerate(rows, start=1):
        values = [rank, label(row.referrer), row.referrer.get_kind_display(), row.leads, row.conversions]
        sheet.append(spreadsheets.xlsx_row(sheet, [*values, row.credited_value, row.landed_value]))
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="referrer-ranking.xlsx"'
    return response
