"""History pages: what changed, by whom and through which door; and the ledger as it stood on a date.

Access: the history of an object is shown only to readers who may see the object (404 otherwise).
For an object since deleted, its last recorded state is checked against the same access rule.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from investledger.core import access, asof
from investledger.core.views import page_size_from, paginate
from investledger.history import readable
from investledger.history.asof import project_as_of, projects_as_of
from investledger.ledger.projects.models import Project

HISTORY_PAGE = 50


def _as_of(request):
    """The `as_of` query parameter as a moment (end of the given day), or None; bad input → a message."""
    raw = request.GET.get("as_of", "")
    try:
        return asof.parse_as_of(raw), ""
    except asof.AsOfError:
        return None, _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": raw}


def check_project(user, pk) -> tuple[object | None, dict | None]:
    """The current project if visible; its last state if deleted and was in the reader's scope; else 404."""
    project = Project.objects.visible_to(user).filter(pk=pk).first()
    if project is not None:
        return project, None
    if Project.objects.filter(pk=pk).exists():
        raise Http404
    state = readable.last_state(Project, pk)
    if state is None or not asof.user_may_see_state(user, state):
        raise Http404
    return None, state


def _render_history(request, *, entries, title, obj_label, context_extra=None):
    page = paginate(
        request, entries.order_by("-id"), page_size_from(request) if "page_size" in request.GET else HISTORY_PAGE
    )
    context = {
        "title": title,
        "object_label": obj_label,
        "items": readable.describe(page.object_list),
        "page_obj": page,
        **(context_extra or {}),
    }
    htmx = getattr(request, "htmx", None)
    template = "history/_history.html" if htmx and not htmx.history_restore_request else "history/history_page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def project_history(request, pk: int):
    project, deleted_state = check_project(request.user, pk)
    when, error = _as_of(request)
    state_then = project_as_of(pk, when) if when else None
    gone = deleted_state or {}
    label = str(project) if project else f"{gone.get('reference', '')} {gone.get('name', '')}"
    state_rows = []
    if state_then is not None:
        snapshot = readable.last_state_at(Project, pk, when)
        state_rows = readable.state_rows(Project, snapshot)
    return _render_history(
        request,
        entries=readable.project_entries(pk),
        title=_("History of %(object)s") % {"object": label},
        obj_label=label,
        context_extra={
            "project": project,
            "deleted": project is None,
            "as_of": when,
            "as_of_raw": request.GET.get("as_of", ""),
            "as_of_error": error,
            "state_then": state_then,
            "state_rows": state_rows,
            "history_url_name": "core:project_history",
            "history_pk": pk,
        },
    )


def object_entries_for(user, label: str, pk: str):
    """The entries of the record `label` (app_label.model) `pk` if the user may see it; else 404."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    if not str(pk).isdigit():
        raise Http404
    if model._meta.label_lower == "projects.project":
        check_project(user, int(pk))
        return readable.project_entries(int(pk))
    if model._meta.label_lower == "accounts.user":
        if not access.is_city_wide(user, access.Action.MANAGE):
            raise Http404
    elif hasattr(model.objects, "visible_to"):
        if model._base_manager.filter(pk=pk).exists():
            if not model.objects.visible_to(user).filter(pk=pk).exists():
                raise Http404
        else:
            state = readable.last_state(model, pk)
            if state is None:
                raise Http404
            kind, path = getattr(model, "access_via", ("reference", None))
            if kind == "project" and path == "project":
                project_state = readable.last_state(Project, state.get("project_id"))
                if project_state is None or not asof.user_may_see_state(user, project_state):
                    raise Http404
            elif not access.is_city_wide(user):
                raise Http404
    else:
        raise Http404
    entries = readable.object_entries(model, pk)
    if not entries.exists():
        raise Http404
    return entries


@login_required
def object_history(request, label: str, pk: str):
    """History of any audited record: `projects.signing`, `events.signingevent`, `accounts.user`..."""
    if label.lower() == "projects.project" and str(pk).isdigit():
        return project_history(request, int(pk))
    entries = object_entries_for(request.user, label, pk)
    latest = entries.order_by("-id").first()
    return _render_history(
        request,
        entries=entries,
        title=_("History of %(object)s") % {"object": latest.object_repr},
        obj_label=latest.object_repr,
        context_extra={"history_url_name": "core:object_history", "history_label": label, "history_pk": pk},
    )


@login_required
def ledger_as_of(request):
    """The ledger as it stood at the end of a past day: the projects the reader may see, as they were then."""
    if not access.can(request.user, access.Action.VIEW):
        raise PermissionDenied
    when, error = _as_of(request)
    projects = projects_as_of(request.user, when) if when else []
    total = sum((p.contract_value_cny or 0 for p in projects), start=0)
    page = paginate(request, projects, page_size_from(request))
    current = Project.objects.visible_to(request.user).aggregate(value=Sum("contract_value_cny"))
    return render(
        request,
        "history/ledger_as_of.html",
        {
            "as_of": when,
            "as_of_raw": request.GET.get("as_of", ""),
            "as_of_error": error,
            "page_obj": page,
            "projects": page.object_list,
            "count": len(projects),
            "total_value": total,
            "current_count": Project.objects.visible_to(request.user).count(),
            "current_value": current["value"] or 0,
        },
    )
