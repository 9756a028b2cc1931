"""The public page: aggregates the bureau chose to publish, never a project's data."""

import pytest
from django.urls import reverse

from investledger.reporting.models import PublishedFigure

pytestmark = pytest.mark.django_db


def test_it_shows_the_published_figures_without_sign_in(client, ledger, reference_data, today):
    PublishedFigure.objects.create(metric="signed_value", title="签约额", title_en="Signed value, all projects")
    PublishedFigure.objects.create(metric="start_rate_signed", title_en="Start rate", published=False)
    response = client.get(reverse("reporting:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Signed value, all projects" in html
    assert "RMB 6.80 bn" in html
    assert "Start rate" not in html


def test_it_never_shows_project_names_or_investors(client, ledger, reference_data, today):
    for metric in ("signed_value", "signed_count", "landing_rate", "emerging_share_value"):
        PublishedFigure.objects.create(metric=metric, area=reference_data.north)
    html = client.get(reverse("reporting:public")).content.decode()
    for project in (ledger.n1, ledger.n2, ledger.n3, ledger.s1, ledger.s2):
        assert project.name not in html
        assert project.reference not in html
        assert project.investor.name not in html


def test_a_figure_over_too_few_projects_is_withheld(client, ledger, reference_data, today):
    # North Park holds two projects: its signed value would give away their amounts.
    PublishedFigure.objects.create(metric="signed_value", title_en="Park value", area=reference_data.north_park)
    html = client.get(reverse("reporting:public")).content.decode()
    assert "Not published" in html
    assert "RMB 1.50 bn" not in html
