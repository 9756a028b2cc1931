"""Reads of the issue register for pages and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from investledger.core import clock
from investledger.escalation import permissions
from investledger.escalation.choices import IssueCategory, IssueStatus, Level
from investledger.escalation.models import Issue, Notice
from investledger.ledger.projects.models import Project
from investledger.supervision.models import ProgressReport
from investledger.supervision.selectors import reportable_projects


@dataclass(frozen=True)
class ResolutionRate:
    """Issues closed within their deadline / issues whose resolve deadline fell on or before `as_of`."""

    as_of: dt.date
    due: int
    closed_in_time: int

    @property
    def rate(self) -> Decimal | None:
        if not self.due:
            return None
        return Decimal(self.closed_in_time) / Decimal(self.due)


def issue_resolution_rate(queryset, as_of: dt.date | None = None) -> ResolutionRate:
    """The issue resolution rate of a cohort (pass a queryset already scoped with `visible_to`).

    Reproducible for a past date: issues raised after `as_of` are left out, and an issue closed
    after `as_of` had not been closed on that day.
    """
    as_of = as_of or clock.today()
    due = queryset.filter(raised_on__lte=as_of, resolve_by__lte=as_of)
    figures = due.aggregate(
        due=Count("pk", distinct=True),
        in_time=Count(
            "pk",
            distinct=True,
            filter=Q(status=IssueStatus.CLOSED, closed_on__lte=F("resolve_by")) & Q(closed_on__lte=as_of),
        ),
    )
    return ResolutionRate(as_of=as_of, due=figures["due"] or 0, closed_in_time=figures["in_time"] or 0)


def issue_counts_by_level(queryset) -> list[dict]:
    """Open issues per escalation level (for the list's summary strip), every level listed."""
    rows = queryset.open().values("level").annotate(n=Count("pk", distinct=True))
    counts = {row["level"]: row["n"] for row in rows}
    return [{"level": level, "label": label, "count": counts.get(level, 0)} for level, label in Level.choices]


def issue_summary(queryset, as_of: dt.date | None = None) -> dict:
    as_of = as_of or clock.today()
    return {
        "open": queryset.open().count(),
        "overdue": queryset.overdue(as_of).count(),
        "by_level": issue_counts_by_level(queryset),
        "resolution": issue_resolution_rate(queryset, as_of),
    }


def issue_detail_queryset(user):
    return Issue.objects.visible_to(user).select_related(
        "project", "project__host_area", "responsible_unit", "raised_by", "closed_by"
    )


def project_follow_up(user, project) -> dict:
    """What a project's page shows of its follow-up: open issues, notices, the latest report, and the doors."""
    from_user = Issue.objects.visible_to(user).filter(project=project)
    open_issues = list(from_user.open().select_related("responsible_unit").order_by("-level", "resolve_by", "pk")[:10])
    notices = list(Notice.objects.visible_to(user).filter(project=project).order_by("status", "-issued_on", "-pk")[:5])
    latest = ProgressReport.objects.visible_to(user).filter(project=project).order_by("-period").first()
    return {
        "open_issues": open_issues,
        "open_issue_count": from_user.open().count(),
        "notices": notices,
        "latest_report": latest,
        "can_raise": permissions.may_raise(user, project),
        "can_report": reportable_projects(user).filter(pk=project.pk).exists(),
        "can_notice": permissions.may_inspect(user, project),
        "today": clock.today(),
    }


def describe_issue_filters(user, filterset) -> dict:
    """What an issue list is filtered by, in words: "Issues of project Q-1 …", "Issues at level District, in North".

    The project of a project filter is looked up among those the user may see (an unseen one is not named).
    """
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    project = None
    if data.get("project") is not None:
        project = Project.objects.visible_to(user).filter(pk=data["project"]).select_related("host_area").first()
    parts = []
    if data.get("level"):
        parts.append(_("at level %(level)s") % {"level": Level(int(data["level"])).label})
    if data.get("area"):
        parts.append(_("in %(area)s") % {"area": data["area"].label})
    if data.get("status"):
        parts.append(_("with status %(status)s") % {"status": IssueStatus(data["status"]).label})
    if data.get("unit"):
        parts.append(_("for %(unit)s") % {"unit": data["unit"].label})
    if data.get("category"):
        parts.append(_("about %(category)s") % {"category": IssueCategory(data["category"]).label})
    if data.get("open") is True:
        parts.append(_("open only"))
    if data.get("overdue") is True:
        parts.append(_("overdue only"))
    elif data.get("overdue") is False:
        parts.append(_("not overdue"))
    if data.get("q"):
        parts.append(_("matching “%(text)s”") % {"text": data["q"].strip()})
    if project is not None:
        heading = _("Issues of project %(project)s") % {"project": f"{project.reference} {project.name}"}
    elif data.get("project") is not None:
        heading = _("Issues of a project you cannot see")
    else:
        heading = _("Issues")
    if parts:
        heading = pgettext("issue list heading", "%(heading)s %(filters)s") % {
            "heading": heading,
            "filters": pgettext("issue list filters", ", ").join(parts),
        }
    return {"heading": heading, "project": project, "filtered": bool(parts) or data.get("project") is not None}
