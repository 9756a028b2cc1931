"""The ledger shows each project's current supervision light, and can be filtered by it."""

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.ledger.projects.services import project_set_light
from investledger.supervision.models import LightAssessment, RuleSet
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def light(project, colour, fired=()):
    """A newer assessment than the project's first one, recorded on the project as supervision does."""
    LightAssessment.objects.filter(project=project).update(is_current=False)
    assessment = LightAssessment.objects.create(
        project=project,
        assessed_on=clock.today(),
        light=colour,
        rule_set=RuleSet.objects.order_by("-version").first(),
        fired=list(fired),
        values={},
    )
    project_set_light(project=project, light=colour, assessed_on=assessment.assessed_on)
    return assessment


@pytest.fixture
def lit(reference_data):
    red = make_project(area=reference_data.north, sector=reference_data.ev, name="Red battery plant")
    green = make_project(area=reference_data.north, sector=reference_data.bio, name="Green vaccine centre")
    light(
        red,
        "red",
        [
            {
                "rule": "report_late",
                "light": "red",
                "values": {"periods_late": 2, "missing": ["2026-09-01", "2026-10-01"]},
            }
        ],
    )
    light(green, "green")
    return red, green


def test_it_filters_the_ledger_by_light(client, personas, lit):
    red, green = lit
    client.force_login(personas.officer_north)
    response = client.get(reverse("projects:project_list"), {"light": "red"})
    assert [p.pk for p in response.context["object_list"]] == [red.pk]
    assert b'data-light="red"' in response.content


def test_it_explains_the_light_on_the_project_record(client, personas, lit):
    red, _green = lit
    client.force_login(personas.officer_north)
    response = client.get(reverse("projects:project_detail", args=[red.pk]))
    assert response.context["light"].light == "red"
    assert "2026-09" in response.context["light_reasons"][0]


def test_the_light_filter_keeps_other_districts_hidden(client, personas, lit):
    client.force_login(personas.officer_south)
    response = client.get(reverse("projects:project_list"), {"light": "red"})
    assert list(response.context["object_list"]) == []


def test_it_offers_the_light_filter_on_the_ledger_page(client, personas, lit):
    client.force_login(personas.officer_north)
    response = client.get(reverse("projects:project_list"))
    assert b'name="light"' in response.content
