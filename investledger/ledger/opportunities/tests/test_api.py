"""/api/opportunity-lists/ and /api/opportunities/: scope, roles, conflicts and the same totals as the pages."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core.models import AuditEntry
from investledger.core.tests.test_api_schema import call
from investledger.core.tests.test_conflicts import conflict
from investledger.ledger.opportunities import selectors
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity
from investledger.testing import make_project

from .conftest import category

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def endpoints(north_list, opportunity):
    return [
        ("get", reverse("opportunitylist-detail", args=[north_list.pk])),
        ("patch", reverse("opportunitylist-detail", args=[north_list.pk])),
        ("get", reverse("opportunity-detail", args=[opportunity.pk])),
        ("patch", reverse("opportunity-detail", args=[opportunity.pk])),
        ("post", reverse("opportunity-change-status", args=[opportunity.pk])),
    ]


class ApiAccessTests:
    def test_it_answers_not_found_to_another_district(self, personas, north_list, north_opportunities):
        client = api(personas.officer_south)
        for method, url in endpoints(north_list, north_opportunities[0]):
            assert getattr(client, method)(url, {}, format="json").status_code == 404, (method, url)
        assert client.get(reverse("opportunity-list")).json()["results"] == []
        assert client.get(reverse("opportunitylist-list")).json()["results"] == []

    def test_it_forbids_writes_to_a_read_only_role(self, personas, reference_data, north_list, north_opportunities):
        client = api(personas.leader)
        for method, url in endpoints(north_list, north_opportunities[0]):
            expected = 200 if method == "get" else 403
            assert getattr(client, method)(url, {"version": 1}, format="json").status_code == expected, (method, url)
        created = client.post(
            reverse("opportunitylist-list"),
            {"title": "x", "publishing_area": reference_data.north.pk},
            format="json",
        )
        assert created.status_code == 403


class ApiWriteTests:
    def test_an_officer_adds_an_opportunity_and_changes_its_status(self, personas, reference_data, north_list):
        client = api(personas.officer_north)
        response = client.post(
            reverse("opportunity-list"),
            {
                "list": north_list.pk,
                "title": "北区数据中心",
                "title_en": "North data centre",
                "category": category("industrial-carriers").pk,
                "host_area": reference_data.north.pk,
                "estimated_value": "300000000.00",
                "cooperation_mode": "equity",
                "sectors": [reference_data.ev.pk],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        created = Opportunity.objects.get(pk=response.json()["id"])
        assert response.json()["estimated_value_cny"] == "300000000.00"
        project = make_project(area=reference_data.north, sector=reference_data.ev)
        status = client.post(
            reverse("opportunity-change-status", args=[created.pk]),
            {"status": "signed", "reason": "签约", "project": project.pk, "version": 1},
            format="json",
        )
        assert status.status_code == 201, status.json()
        created.refresh_from_db()
        assert created.status == Status.SIGNED and created.project == project
        assert AuditEntry.objects.filter(content_type__model="opportunity", object_id=str(created.pk)).count() == 2

    def test_it_answers_409_to_an_edit_on_an_older_version(self, personas, north_opportunities):
        client = api(personas.officer_north)
        url = reverse("opportunity-detail", args=[north_opportunities[0].pk])
        assert client.patch(url, {"location": "东路1号", "version": 1}, format="json").status_code == 200
        conflict = client.patch(url, {"location": "西路2号", "version": 1}, format="json")
        assert conflict.status_code == 409
        assert conflict.json()["code"] == "edited_meanwhile" and conflict.json()["current_version"] == 2
        status = client.post(
            reverse("opportunity-change-status", args=[north_opportunities[0].pk]),
            {"status": "withdrawn", "reason": "撤回", "version": 1},
            format="json",
        )
        assert status.status_code == 409

    def test_it_refuses_a_host_area_outside_the_writers_areas(self, personas, reference_data, north_list):
        response = api(personas.officer_park).post(
            reverse("opportunity-list"),
            {
                "list": north_list.pk,
                "title": "越界项目",
                "category": category("land").pk,
                "host_area": reference_data.north.pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert not Opportunity.objects.filter(title="越界项目").exists()


class ApiTotalsTests:
    def test_the_api_gives_the_totals_the_page_shows(self, client, personas, north_list, north_opportunities):
        totals = selectors.list_totals(Opportunity.objects.filter(list=north_list))
        answer = api(personas.officer_north).get(reverse("opportunitylist-detail", args=[north_list.pk])).json()
        assert answer["totals"]["count"] == totals.count == 2
        assert answer["totals"]["value_cny"] == "1250000000.00"
        client.force_login(personas.officer_north)
        page = client.get(reverse("opportunities:list_detail", args=[north_list.pk])).content.decode()
        assert answer["totals"]["text"] in page


class ApiSchemaTests:
    def test_the_409s_are_the_one_conflict_answer_the_schema_declares(self, personas, north_list, north_opportunities):
        opportunity = north_opportunities[0]
        path = "/api/opportunities/{id}/"
        call(personas, "officer_north", "PATCH", path, path_parameters={"id": opportunity.pk},
             body={"location": "东路1号", "version": 1}, media_type="application/json")  # fmt: skip
        stale = call(personas, "officer_north", "PATCH", path, path_parameters={"id": opportunity.pk},
                     body={"location": "西路2号", "version": 1}, media_type="application/json")  # fmt: skip
        conflict(stale, "edited_meanwhile", current_version=2)
        status = call(personas, "officer_north", "POST", "/api/opportunities/{id}/status/",
                      path_parameters={"id": opportunity.pk},
                      body={"status": "withdrawn", "reason": "撤回", "version": 1}, media_type="application/json")  # fmt: skip
        conflict(status, "edited_meanwhile", current_version=2)
        lists = "/api/opportunity-lists/{id}/"
        call(personas, "officer_north", "PATCH", lists, path_parameters={"id": north_list.pk},
             body={"notes": "一", "version": 1}, media_type="application/json")  # fmt: skip
        stale_list = call(personas, "officer_north", "PATCH", lists, path_parameters={"id": north_list.pk},
                          body={"notes": "二", "version": 1}, media_type="application/json")  # fmt: skip
        conflict(stale_list, "edited_meanwhile", current_version=2)
