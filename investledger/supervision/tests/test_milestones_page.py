"""The milestones page leads back to its project, as the progress report page does."""

import pytest
from django.urls import reverse

from investledger.supervision.tests.helpers import signed_project

pytestmark = pytest.mark.django_db


def test_the_milestones_page_links_back_to_its_project(client, reference_data, personas):
    project = signed_project(reference_data)
    client.force_login(personas.admin)
    page = client.get(reverse("supervision:project_milestones", args=[project.pk])).content.decode()
    crumbs = page.split('<ol class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert f'href="{reverse("projects:project_detail", args=[project.pk])}">{project.reference}</a>' in crumbs
