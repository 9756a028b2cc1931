"""Pages of the lead classes: the response deadlines the bureau sets per lead size.

Everyone with a role reads them (a lead page names its class); the bureau (those who manage
reference data) creates, edits and deactivates them through `services_registry.lead_class_save` and
`services_registry.lead_class_set_active`, on the version the page showed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investledger.core import access
from investledger.core.access import Action
from investledger.core.views import get_visible_or_404, posted, require, submit
from investledger.leads import services, services_registry
from investledger.leads.forms import ActiveForm, LeadClassForm
from investledger.leads.models import LeadClass


def _list_url(*_args) -> str:
    return reverse("leads:lead_class_list")


def _conflict() -> str:
    return _("Someone else changed this lead class meanwhile. Open it again to see their change, then make yours.")


@login_required
@require_GET
def lead_class_list(request: HttpRequest) -> HttpResponse:
    classes = LeadClass.objects.visible_to(request.user).order_by("-active", "-min_value_cny")
    rows = [(c, ActiveForm(initial={"version": c.version, "active": not c.active})) for c in classes]
    context = {
        "rows": rows,
        "default_days": LeadClass.DEFAULT_DAYS,
        "can_manage": access.can(request.user, Action.MANAGE),
    }
    return render(request, "leads/lead_class_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lead_class_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE)
    form = LeadClassForm(posted(request))
    done = submit(
        request,
        form,
        lambda data: services_registry.lead_class_save(fields=form.service_fields(), by=request.user),
        success=lambda lead_class: _("Lead class %(name)s created.") % {"name": lead_class.name},
        then=_list_url,
    )
    return done or render(request, "leads/lead_class_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def lead_class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead_class = get_visible_or_404(LeadClass.objects, request.user, pk, Action.MANAGE)
    form = LeadClassForm(posted(request), instance=lead_class)
    done = submit(
        request,
        form,
        lambda data: services_registry.lead_class_save(
            lead_class=lead_class, fields=form.service_fields(), by=request.user, expected_version=data["version"]
        ),
        success=_("Changes saved. Leads received from now on take these deadlines."),
        conflict=_conflict,
        then=_list_url,
    )
    stored = LeadClass.objects.get(pk=pk)
    return done or render(request, "leads/lead_class_form.html", {"form": form, "lead_class": stored})


@login_required
@require_POST
def lead_class_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    lead_class = get_visible_or_404(LeadClass.objects, request.user, pk, Action.MANAGE)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was incomplete; open the lead classes again."))
        return redirect(_list_url())
    active = form.cleaned_data["active"]
    try:
        services_registry.lead_class_set_active(
            lead_class=lead_class, active=active, by=request.user, expected_version=form.cleaned_data["version"]
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
                else _("%(name)s was deactivated: new leads take the class below it.")
            )
            % {"name": lead_class.name},
        )
    return redirect(_list_url())
