"""Pages of the ledger: the filtered list, a project's record, and the forms that change it.

Reads start from `Project.objects.visible_to(request.user)`; writes go through `services`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from investledger.core import access
from investledger.core.templatetags.ledger import money
from investledger.core.views import ObjectListView, allowed, changed_at, get_visible_or_404, posted, require, submit
from investledger.core.widgets import FastSelect, cached_choices, scope_key, version
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import permissions, services
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.filtersets import ProjectFilterSet
from investledger.ledger.projects.forms import (
    ProjectCreateForm,
    ProjectEditForm,
    SideStateForm,
    SigningForm,
    area_label,
)
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.totals import list_totals
from investledger.reference.models import Area

# Column key (the `ordering` value of ProjectFilterSet) → whether it sorts descending first.
SORTABLE = {"reference": False, "name": False, "value": True, "stage": False, "signed_on": True}
LIST_RELATED = ("investor", "host_area", "sector", "first_event")


def sort_links(current: str) -> dict:
    """For each sortable column: the `ordering` value its header link sets and the arrow to show."""
    links = {}
    for key, descending_first in SORTABLE.items():
        if current == key:
            links[key] = {"next": f"-{key}", "arrow": "▲", "aria": "ascending"}
        elif current == f"-{key}":
            links[key] = {"next": key, "arrow": "▼", "aria": "descending"}
        else:
            links[key] = {"next": f"-{key}" if descending_first else key, "arrow": "", "aria": "none"}
    return links


class ProjectListView(ObjectListView):
    queryset = Project.objects
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    partial_template_name = "projects/_project_table.html"
    table_id = "ledger-table"

    def get_queryset(self):
        # One row per project with its related names in the same query, whatever the page size.
        return Project.objects.visible_to(self.request.user).select_related(*LIST_RELATED)

    def get_filterset(self, queryset):
        self.filterset = super().get_filterset(queryset)  # the totals need to know which filters are set
        return self.filterset

    def known_count(self, extra_context):
        return extra_context["totals"].count

    def filterset_ready(self, filterset):
        user = self.request.user
        form = filterset.form
        # The drop-downs' choices are read once per data version (widgets.cached_choices), not per request:
        # the investor list alone cost two scans of the projects for a district officer.
        data_version, scope, language = version(), scope_key(user), get_language()
        if not access.is_city_wide(user):
            scoped = Area.objects.filter(access.area_q(user))
            if cached_choices(("ledger-areas-scoped", scope), data_version, scoped.exists):
                form.fields["area"].queryset = scoped
        form.fields["area"].queryset = form.fields["area"].queryset.order_by("path")
        form.fields["area"].label_from_instance = area_label
        form.fields["stage"].widget = forms.CheckboxSelectMultiple(choices=form.fields["stage"].choices)
        form.fields["first_event"].queryset = form.fields["first_event"].queryset.order_by("-date")
        # The investor list runs to tens of thousands: offer it as a list only when it is short,
        # otherwise investors are found through the search box (which matches investor names).
        investors = Investor.objects.visible_to(user).order_by("name")
        form.fields["investor"].queryset = investors
        short = cached_choices(
            ("ledger-investors-short", scope),
            data_version,
            lambda: investors[: INVESTOR_LIST_LIMIT + 1].count() <= INVESTOR_LIST_LIMIT,
        )
        if not short:
            chosen = filterset.form.data.get("investor")
            form.fields["investor"].queryset = (
                investors.filter(pk=chosen) if str(chosen).isdigit() else investors.none()
            )
            form.investor_by_search = not str(chosen).isdigit()
        for name in ("area", "sector", "event", "first_event", "investor"):
            field = form.fields[name]
            field.empty_label = _("All")
            if name == "investor" and not short:
                choices = list(field.choices)  # nothing, or the one chosen
            else:
                choices = cached_choices(
                    ("ledger-filter", name, scope, language), data_version, lambda field=field: plain(field.choices)
                )
            field.widget = FastSelect(attrs=field.widget.attrs, choices=choices)
        for name in ("side_state", "agreement_type", "light"):
            form.fields[name].widget.choices = [("", _("All"))] + list(form.fields[name].widget.choices)[1:]
        for name in ("strategic_emerging", "large"):
            form.fields[name].widget.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        for name in ("signed_from", "signed_to"):
            form.fields[name].widget.input_type = "date"
        for name in ("value_min", "value_max"):
            form.fields[name].widget.attrs.update(step="any", min="0")

    def extra_context_for(self, queryset):
        # The count (reused by the paginator) and the sum from the cheapest true source: totals.py.
        user = self.request.user
        return {
            "totals": list_totals(user, queryset, self.filterset),
            "sort": sort_links(self.request.GET.get("ordering", "")),
            "can_create": access.can(user, permissions.CREATE),
            "advanced_filters": ("side_state", "agreement_type", "strategic_emerging", "large"),
            "hidden_filters": ("value_cny_min", "value_cny_max", "is_demo", "ordering"),
        }


INVESTOR_LIST_LIMIT = 300


def plain(choices) -> list[tuple[str, str]]:
    """A field's choices as plain texts, to be kept in the cache."""
    return [("" if value is None else str(value), str(label)) for value, label in choices]


_project_list = ProjectListView.as_view()


def project_list(request, *args, **kwargs):
    """The ledger; with `?as_of=DATE` the ledger as it stood then, rebuilt from the audit trail."""
    if request.GET.get("as_of"):
        return redirect(f"{reverse('core:ledger_as_of')}?{request.GET.urlencode()}")
    return _project_list(request, *args, **kwargs)


# What apps above projects add to the project page, registered from their AppConfig.ready() (as
# services.AFTER_PROJECT_CHANGE), so that projects imports neither: supervision explains the light's
# reasons ("explain_light": fired rules → lines), escalation gives the follow-up ("follow_up":
# user, project → dict); intake the watch list's signals ("watch": user, project → dict with
# `signals` and `can_decide`, or absent).
PROJECT_PAGE: dict = {}


def follow_up_of(user, project) -> dict:
    return PROJECT_PAGE["follow_up"](user, project)


def explain_light(fired):
    return PROJECT_PAGE["explain_light"](fired)


@login_required
def project_detail(request, pk: int):
    user = request.user
    project = get_visible_or_404(
        Project.objects.select_related(
            "investor", "host_area", "sector", "first_event", "lead_unit", "host_area__parent"
        ),
        user,
        pk,
    )
    can_change = allowed(Project.objects, user, project, permissions.UPDATE)
    light = project.light_assessments.filter(is_current=True).select_related("rule_set").first()
    context = {
        "light": light,
        "light_reasons": explain_light(light.fired) if light else [],
        "project": project,
        "signings": project.signings.select_related("event").order_by("signed_on", "id"),
        "co_investors": project.co_investors.order_by("name"),
        "involved_units": project.involved_units.order_by("code"),
        "contacts": project.contacts.order_by("username"),
        "area_chain": list(project.host_area.ancestors()),
        "can_change": can_change,
        "can_add_signing": allowed(Project.objects, user, project, permissions.ADD_SIGNING),
        "can_set_side_state": allowed(Project.objects, user, project, permissions.SET_SIDE_STATE),
        "follow_up": follow_up_of(user, project),
        "watch": PROJECT_PAGE["watch"](user, project) if "watch" in PROJECT_PAGE else None,
    }
    return render(request, "projects/project_detail.html", context)


def _duplicate_rows(user, candidates):
    """Likely duplicates, linked when the user may open them (the check spans the whole city)."""
    visible = set(
        Project.objects.visible_to(user).filter(pk__in=[c.project.pk for c in candidates]).values_list("pk", flat=True)
    )
    return [{"project": c.project, "reasons": c.reasons, "visible": c.project.pk in visible} for c in candidates]


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    user = request.user
    require(user, permissions.CREATE)
    duplicates = None
    form = ProjectCreateForm(posted(request), user=user, action=permissions.CREATE)

    def create(data):
        nonlocal duplicates
        fields, m2m = form.service_fields()
        try:
            return services.project_create(
                fields=fields,
                m2m=m2m,
                event=data.get("event"),
                signed_on=data.get("signed_on"),
                confirm_not_duplicate=data.get("confirm_new", False),
            )
        except services.DuplicateSuspected as exc:
            duplicates = _duplicate_rows(user, exc.candidates)
            raise ValidationError(
                {
                    "confirm_new": _(
                        "This looks like a project already in the ledger. Check the projects listed; tick the box "
                        "if it is a new project."
                    )
                }
            ) from exc

    done = submit(
        request,
        form,
        create,
        success=lambda project: _("Project %(ref)s created.") % {"ref": project.reference},
        then=_detail_url,
    )
    if done:
        return done
    if duplicates is None:
        form.fields["confirm_new"].widget = forms.HiddenInput()
    return render(request, "projects/project_form.html", {"form": form, "duplicates": duplicates, "creating": True})


def _detail_url(project) -> str:
    return reverse("projects:project_detail", args=[project.pk])


def _conflict_message(project_pk: int) -> str:
    when = changed_at(Project.objects.only("updated").get(pk=project_pk).updated)
    return _("Someone else changed this project at %(time)s; reload to see their changes.") % {"time": when}


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    user = request.user
    project = get_visible_or_404(Project.objects, user, pk, permissions.UPDATE)
    form = ProjectEditForm(posted(request), instance=project, user=user, action=permissions.UPDATE)

    def update(data):
        fields, m2m = form.service_fields()
        return services.project_update(project=project, fields=fields, m2m=m2m, expected_version=data["version"])

    done = submit(
        request,
        form,
        update,
        success=_("Changes to %(ref)s saved.") % {"ref": project.reference},
        conflict=lambda: _conflict_message(project.pk),
        then=_detail_url,
    )
    if done:
        return done
    stored = Project.objects.only("reference", "name").get(pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": stored, "creating": False})


@login_required
@require_http_methods(["GET", "POST"])
def project_side_state(request, pk: int):
    """Mark a project stalled, suspended or terminated (with reason and date), or clear the mark."""
    user = request.user
    project = get_visible_or_404(Project.objects, user, pk, permissions.SET_SIDE_STATE)
    if request.method == "POST":
        form = SideStateForm(request.POST)
        done = submit(
            request,
            form,
            lambda data: services.project_set_side_state(
                project=project,
                side_state=data["side_state"],
                reason=(data["reason"] or "").strip(),
                since=data["since"],
                expected_version=data["version"],
            ),
            success=_("Side state of %(ref)s saved.") % {"ref": project.reference},
            conflict=lambda: _conflict_message(project.pk),
            rename={"side_state_reason": "reason", "side_state_date": "since"},
            then=_detail_url,
        )
        if done:
            return done
    else:
        form = SideStateForm(
            initial={
                "side_state": project.side_state,
                "reason": project.side_state_reason,
                "since": project.side_state_date,
                "version": project.version,
            }
        )
    return render(request, "projects/project_side_state.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def signing_add(request, pk: int):
    """Record that the project was signed again at another event; the counting rule decides what it adds."""
    user = request.user
    project = get_visible_or_404(Project.objects, user, pk, permissions.ADD_SIGNING)
    if request.method == "POST":
        form = SigningForm(request.POST, project=project, user=user)

        def recorded(signing) -> str:
            data = form.cleaned_data
            if data["kind"] == SigningKind.CAPITAL_INCREASE:
                return _("Capital increase at %(event)s recorded: the project's amount is now %(amount)s.") % {
                    "event": data["event"].label,
                    "amount": money(project.contract_value_cny),
                }
            return _("Signing at %(event)s recorded.") % {"event": data["event"].label}

        done = submit(
            request,
            form,
            lambda data: services.signing_add(
                project=project,
                event=data["event"],
                signed_on=data["signed_on"],
                kind=data["kind"],
                stated_value_cny=data["stated_value_cny"],
                notes=data["notes"],
            ),
            success=recorded,
            then=lambda signing: _detail_url(project),
        )
        if done:
            return done
    else:
        # A capital increase starts at 0: it is the increment, never the project's whole amount again.
        kind = request.GET.get("kind")
        kind = kind if kind in SigningKind.values else SigningKind.RESIGNING
        stated = Decimal("0") if kind == SigningKind.CAPITAL_INCREASE else project.contract_value_cny
        form = SigningForm(project=project, user=user, initial={"kind": kind, "stated_value_cny": stated})
    if not form.increment_warnings:
        form.fields["confirm_increment"].widget = forms.HiddenInput()
    return render(request, "projects/signing_form.html", {"form": form, "project": project})
