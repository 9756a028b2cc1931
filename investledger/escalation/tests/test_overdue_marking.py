"""The issue register marks as overdue exactly the issues the one definition (`IssueQuerySet.overdue`,
`Issue.is_overdue`) counts: the summary, the filter, the row marks and the project's follow-up agree."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from investledger.core import clock
from investledger.escalation.choices import IssueStatus
from investledger.escalation.models import Issue

from .helpers import FRI, TUE, WED, raise_issue

pytestmark = pytest.mark.django_db


def marked_overdue(html: str) -> set[str]:
    rows = re.findall(r'<tr class="issue-row-overdue">.*?</tr>', html, re.S)
    return {re.search(r">(Q[^<]+)</a>", row).group(1) for row in rows}


@pytest.fixture
def register(reference_data, park_project):
    """Three issues seen on Wednesday: one late for a response, one answered in time, and one recorded
    as responded without the day of its response (so it was still waiting for a response that day)."""
    late = raise_issue(park_project, reference_data.power, on=FRI, title="Power connection delayed")
    recent = raise_issue(park_project, reference_data.power, on=TUE, title="Road access")
    undated = raise_issue(park_project, reference_data.power, on=FRI, title="Water supply")
    Issue.objects.filter(pk=undated.pk).update(status=IssueStatus.RESPONDED)
    return {"late": late, "recent": recent, "undated": undated}


def test_the_register_marks_overdue_exactly_the_issues_the_overdue_filter_counts(register, personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.admin)
    with clock.frozen_at(WED):
        html = client.get(reverse("escalation:issue_list")).content.decode()
        overdue = set(Issue.objects.overdue().values_list("reference", flat=True))
    assert overdue == {register["late"].reference, register["undated"].reference}
    assert marked_overdue(html) == overdue
    assert html.count('<span class="small deadline-late">overdue</span>') == len(overdue)


def test_the_projects_follow_up_marks_late_only_the_overdue_issues(register, personas, park_project):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.admin)
    with clock.frozen_at(WED):
        html = client.get(reverse("projects:project_detail", args=[park_project.pk])).content.decode()
        overdue = Issue.objects.overdue().count()
    follow_up = re.search(r'<ul[^>]*id="open-issues">(.*?)</ul>', html, re.S).group(1)
    assert follow_up.count('<span class="deadline-late">') == overdue == 2
