"""Pages of the issue register, supervision notices, inspections and the inbox.

Every object is looked up among those the user may see (404 otherwise); a visible object the user
may not act on answers 403. Writes go through the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investledger.core import clock
from investledger.core.access import Action
from investledger.core.views import submit
from investledger.escalation import notifications, permissions, selectors, services
from investledger.escalation.filtersets import InspectionFilterSet, IssueFilterSet, NoticeFilterSet
from investledger.escalation.forms import (
    AcknowledgeForm,
    InspectionForm,
    IssueCloseForm,
    IssueForm,
    IssueRaiseForm,
    IssueStepForm,
    NoticeForm,
    PhotoForm,
)
from investledger.escalation.models import Inspection, InspectionPhoto, Issue, Notice, Notification
from investledger.escalation.workdays import WorkCalendar
from investledger.ledger.projects.models import Project

PAGE_SIZE = 50
ACTION_NAMES = {
    permissions.RESPOND: gettext_lazy("respond"),
    permissions.ASSESS: gettext_lazy("assess"),
    permissions.CLOSE: gettext_lazy("close (销号)"),
}


def _page(request, queryset):
    if not queryset.ordered:  # a scope filter that combines querysets drops the model's ordering
        queryset = queryset.order_by("-pk")
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Issues -------------------------------------------------------------------------------------


@login_required
@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    base = Issue.objects.visible_to(request.user)
    filterset = IssueFilterSet(request.GET or None, queryset=base)
    issues = filterset.qs.select_related("project", "project__host_area", "responsible_unit").annotate(
        n_escalations=Count("escalations", distinct=True)
    )
    today = clock.today()
    described = selectors.describe_issue_filters(request.user, filterset)
    project = described["project"]
    if project is not None:
        raise_url = (
            reverse("escalation:issue_create", args=[project.pk])
            if permissions.may_raise(request.user, project)
            else None
        )
    else:
        raise_url = reverse("escalation:issue_new") if permissions.may_raise_somewhere(request.user) else None
    return render(
        request,
        "escalation/issue_list.html",
        {
            "filterset": filterset,
            "page": _page(request, issues.order_by("-level", "status", "resolve_by", "-pk")),
            "summary": selectors.issue_summary(base, today),
            "today": today,
            "heading": described["heading"],
            "filtered_project": project,
            "raise_url": raise_url,
        },
    )


@login_required
@require_GET
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(selectors.issue_detail_queryset(request.user), pk=pk)
    return render(request, "escalation/issue_detail.html", _issue_context(request, issue))


def _actions_text(issue: Issue, actions) -> str:
    """ "At level District you may: respond, assess, close (销号)." or that the reader only follows it."""
    level = issue.get_level_display()
    if not actions:
        return _("At level %(level)s you follow this issue; you may not act on it.") % {"level": level}
    names = pgettext("list of actions", ", ").join(str(ACTION_NAMES[a]) for a in actions)
    return _("At level %(level)s you may: %(actions)s.") % {"level": level, "actions": names}


def _issue_context(request, issue: Issue, **forms) -> dict:
    user = request.user
    calendar = WorkCalendar.load()
    today = clock.today()
    actions = permissions.issue_actions(user, issue)
    ctx = {
        "issue": issue,
        "today": today,
        "responses": issue.responses.select_related("author", "unit"),
        "escalations": issue.escalations.all(),
        "actions": actions,
        "actions_text": _actions_text(issue, actions),
        "can_respond": permissions.RESPOND in actions,
        "can_assess": permissions.ASSESS in actions,
        "can_close": permissions.CLOSE in actions,
        "steps": [
            {
                "name": name,
                "deadline": issue.deadline(step),
                "done": issue.step_done_on(step),
                "late": (issue.step_done_on(step) or today) > issue.deadline(step),
                "left": calendar.between(today, issue.deadline(step)),
            }
            for step, name in (("respond", _("Respond")), ("assess", _("Assess")), ("resolve", _("Resolve")))
        ],
        "notices": issue.notices.all(),
    }
    ctx["respond_form"] = forms.get("respond_form") or IssueStepForm(
        initial={"version": issue.version}, prefix="respond"
    )
    ctx["assess_form"] = forms.get("assess_form") or IssueStepForm(initial={"version": issue.version}, prefix="assess")
    ctx["close_form"] = forms.get("close_form") or IssueCloseForm(initial={"version": issue.version}, prefix="close")
    return ctx


@login_required
@require_POST
def issue_act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Respond, assess or close: one form each, one service each."""
    issue = get_object_or_404(selectors.issue_detail_queryset(request.user), pk=pk)
    if step not in permissions.STEPS:
        raise Http404
    if not permissions.may_take(request.user, issue, step):
        raise PermissionDenied
    form = (IssueCloseForm if step == permissions.CLOSE else IssueStepForm)(request.POST, prefix=step)
    write, success = {
        permissions.RESPOND: (services.issue_respond, _("Response recorded.")),
        permissions.ASSESS: (services.issue_assess, _("Assessment recorded.")),
        permissions.CLOSE: (services.issue_close, _("Issue closed (销号) with its resolution on record.")),
    }[step]

    def take(data):
        text = {"resolution": data["resolution"]} if step == permissions.CLOSE else {"text": data["text"]}
        return write(issue=issue, by=request.user, expected_version=data["version"], **text)

    def conflict() -> str:
        issue.refresh_from_db()
        return _("Someone else updated this issue while you were writing. Read the latest state below and try again.")

    done = submit(
        request,
        form,
        take,
        success=success,
        conflict=conflict,
        then=reverse("escalation:issue_detail", args=[issue.pk]),
    )
    if done:
        return done
    ctx = _issue_context(request, issue, **{f"{step}_form": form})
    return render(request, "escalation/issue_detail.html", ctx, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    """Raise an issue on a project (from its page, or from the issue list filtered by it)."""
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("host_area"), pk=project_pk)
    if not permissions.may_raise(request.user, project):
        raise PermissionDenied
    return _raise(request, IssueForm(request.POST or None, user=request.user), project)


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request: HttpRequest) -> HttpResponse:
    """Raise an issue from the issue list: the reporter chooses the project first."""
    if not permissions.may_raise_somewhere(request.user):
        raise PermissionDenied
    form = IssueRaiseForm(request.POST or None, user=request.user)
    return _raise(request, form, None)


def _raise(request, form, project: Project | None) -> HttpResponse:
    def raise_issue(data):
        nonlocal project
        fields = dict(data)
        project = fields.pop("project", None) or project
        return services.issue_raise(project=project, fields=fields, by=request.user)

    done = submit(
        request,
        form,
        raise_issue,
        success=lambda issue: (
            _("Issue %(ref)s raised; %(unit)s must respond by %(date)s.")
            % {"ref": issue.reference, "unit": issue.responsible_unit, "date": issue.respond_by.isoformat()}
        ),
        then=lambda issue: reverse("escalation:issue_detail", args=[issue.pk]),
    )
    if done:
        return done
    status = 400 if request.method == "POST" else 200
    return render(request, "escalation/issue_form.html", {"form": form, "project": project}, status=status)


# --- Notices ------------------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    filterset = NoticeFilterSet(request.GET or None, queryset=Notice.objects.visible_to(request.user))
    notices = filterset.qs.select_related("area", "project", "issued_by")
    return render(
        request,
        "escalation/notice_list.html",
        {
            "filterset": filterset,
            "page": _page(request, notices),
            "today": clock.today(),
            "can_issue": permissions.may_supervise(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    if not permissions.may_supervise(request.user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("project"):
        initial["project"] = get_object_or_404(
            Project.objects.visible_to(request.user, Action.SUPERVISE), pk=request.GET.get("project")
        )
    form = NoticeForm(request.POST or None, user=request.user, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.notice_issue(
            fields={k: data[k] for k in ("colour", "subject", "body", "project", "area", "deadline")}, by=request.user
        ),
        success=lambda notice: _("Notice %(ref)s issued.") % {"ref": notice.reference},
        then=lambda notice: reverse("escalation:notice_detail", args=[notice.pk]),
    )
    if done:
        return done
    return render(request, "escalation/notice_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        Notice.objects.visible_to(request.user).select_related("area", "project", "issued_by", "acknowledged_by"), pk=pk
    )
    can_acknowledge = permissions.may_acknowledge(request.user, notice)
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_acknowledge:
            raise PermissionDenied
        done = submit(
            request,
            form,
            lambda data: services.notice_acknowledge(notice=notice, by=request.user, reply=data["reply"]),
            success=_("Notice acknowledged."),
            then=reverse("escalation:notice_detail", args=[notice.pk]),
        )
        if done:
            return done
        status = 400
    return render(
        request,
        "escalation/notice_detail.html",
        {"notice": notice, "form": form, "can_acknowledge": can_acknowledge, "today": clock.today()},
        status=status,
    )


# --- Inspections --------------------------------------------------------------------------------


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    filterset = InspectionFilterSet(request.GET or None, queryset=Inspection.objects.visible_to(request.user))
    inspections = filterset.qs.select_related("project", "project__host_area").annotate(
        n_photos=Count("photos", distinct=True)
    )
    return render(
        request,
        "escalation/inspection_list.html",
        {
            "filterset": filterset,
            "page": _page(request, inspections),
            "can_inspect": permissions.may_supervise(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not permissions.may_supervise(request.user):
        raise PermissionDenied
    initial = {"visited_on": clock.today()}
    if request.GET.get("project"):
        initial["project"] = get_object_or_404(
            Project.objects.visible_to(request.user, Action.SUPERVISE), pk=request.GET.get("project")
        )
    form = InspectionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.inspection_record(
            fields={k: v for k, v in data.items() if k != "photos"}, by=request.user, photos=data["photos"]
        ),
        success=_("Inspection recorded."),
        unplaced="photos",
        then=lambda inspection: reverse("escalation:inspection_detail", args=[inspection.pk]),
    )
    if done:
        return done
    status = 400 if request.method == "POST" else 200
    return render(request, "escalation/inspection_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("project", "project__host_area", "recorded_by"),
        pk=pk,
    )
    can_add = permissions.may_inspect(request.user, inspection.project)
    form = PhotoForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        done = submit(
            request,
            form,
            lambda data: services.inspection_add_photo(
                inspection=inspection, upload=data["photo"], by=request.user, caption=data["caption"]
            ),
            success=_("Photo added."),
            unplaced="photo",
            then=reverse("escalation:inspection_detail", args=[inspection.pk]),
        )
        if done:
            return done
        status = 400
    return render(
        request,
        "escalation/inspection_detail.html",
        {"inspection": inspection, "photos": inspection.photos.all(), "form": form, "can_add": can_add},
        status=status,
    )


@login_required
@require_GET
def photo_view(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a photo to those who may see its project, from storage outside the web root."""
    photo = get_object_or_404(InspectionPhoto.objects.visible_to(request.user), pk=pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The photo file is missing from storage.")) from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.{photo.file.name.rsplit(".", 1)[-1]}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Inbox --------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.visible_to(request.user)
    show = request.GET.get("show", "all")
    listed = mine.unread() if show == "unread" else mine
    return render(
        request,
        "escalation/inbox.html",
        {"page": _page(request, listed), "unread_count": mine.unread().count(), "show": show},
    )


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    try:
        chosen = [int(i) for i in ids] if ids else None
    except ValueError:
        chosen = []
    count = notifications.mark_read(request.user, chosen)
    if request.POST.get("open"):
        note = Notification.objects.visible_to(request.user).filter(pk__in=chosen or []).first()
        if note and note.link.startswith("/"):
            return redirect(note.link)
    messages.info(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect(reverse("escalation:inbox") + ("?show=unread" if request.POST.get("show") == "unread" else ""))
