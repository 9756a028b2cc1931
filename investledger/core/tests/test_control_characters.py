"""Control characters are refused on the way in, by pages and the API, with a message naming the field."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core.validators import ControlCharacterValidator, find_control
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.tests.test_views import edit_data, form_data
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_body(reference_data, **overrides) -> dict:
    body = {
        "name": "Lakeside chip packaging line",
        "investor": make_investor("Lakeside Semiconductor Co.").pk,
        "host_area": reference_data.north.pk,
        "sector": reference_data.ev.pk,
        "contract_value": "1500000000.00",
        "currency": "CNY",
        "agreement_type": "contract",
    }
    body.update(overrides)
    return body


class TestValidator:
    @pytest.mark.parametrize("text", ["a\x0bb", "\x00", "tab\there", "line\nbreak", "c1\x85", "del\x7f", "\x9f"])
    def test_it_refuses_every_control_character_in_a_one_line_field(self, text):
        with pytest.raises(ValidationError) as caught:
            ControlCharacterValidator(label="project name")(text)
        assert "project name" in caught.value.messages[0]
        assert "U+00" in caught.value.messages[0]

    def test_it_names_the_character_and_where_it_is(self):
        with pytest.raises(ValidationError) as caught:
            ControlCharacterValidator(label="project name")("ab\x0bc")
        assert caught.value.messages == [
            "project name contains the control character U+000B (LINE TABULATION) at character 3: remove it."
        ]

    def test_a_multi_line_field_keeps_line_breaks_and_tabs(self):
        ControlCharacterValidator(multiline=True)("first line\r\n\tsecond line\nthird")
        with pytest.raises(ValidationError):
            ControlCharacterValidator(multiline=True)("first\x0bsecond")

    def test_it_accepts_chinese_text_and_symbols(self):
        ControlCharacterValidator()("重庆·两江新区 (一期) — «A» 100% & <b>")
        assert find_control("智能网联新能源汽车") is None

    def test_every_text_field_of_every_model_carries_it(self):
        unguarded = []
        for model in apps.get_models():
            if not model.__module__.startswith("investledger."):
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)):
                    found = [v for v in field.validators if isinstance(v, ControlCharacterValidator)]
                    if len(found) != 1 or found[0].multiline != isinstance(field, models.TextField):
                        unguarded.append(f"{model._meta.label}.{field.name}")
        assert unguarded == []


class TestPages:
    def test_the_project_form_refuses_a_name_with_a_control_character(self, client, personas, reference_data):
        client.force_login(personas.officer_north)
        investor = make_investor("Lakeside Semiconductor Co.")
        response = client.post(
            reverse("projects:project_create"), form_data(reference_data, investor, name="电池\x0b工厂")
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "name" in errors
        assert "project name contains the control character U+000B" in errors["name"][0]
        assert not Project.objects.filter(name__startswith="电池").exists()

    def test_the_project_edit_form_refuses_one_in_the_description_but_keeps_line_breaks(
        self, client, personas, reference_data
    ):
        project = make_project(area=reference_data.north, sector=reference_data.ev, value=Decimal("1000000000"))
        client.force_login(personas.officer_north)
        url = reverse("projects:project_edit", args=[project.pk])
        response = client.post(url, edit_data(project, description="phase one\x1bphase two"))
        assert "description" in response.context["form"].errors
        response = client.post(url, edit_data(project, description="phase one\r\n\tphase two"))
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.description == "phase one\r\n\tphase two"

    def test_the_investor_form_refuses_a_c1_control_character(self, client, personas):
        client.force_login(personas.admin)
        response = client.post(
            reverse("investors:investor_create"),
            {"name": "Acme\x85Holdings", "origin": "local", "ownership": "private"},
        )
        assert "name" in response.context["form"].errors
        assert not Investor.objects.filter(name__startswith="Acme").exists()


class TestApi:
    def test_it_answers_400_naming_the_field(self, personas, reference_data):
        response = api(personas.officer_north).post(
            "/api/projects/", api_body(reference_data, name="Lakeside\x0bline"), format="json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["name"]
        assert "U+000B" in response.json()["name"][0]
        assert not Project.objects.filter(name__startswith="Lakeside").exists()

    def test_an_update_is_refused_and_nothing_changes(self, personas, reference_data):
        project = make_project(area=reference_data.north, sector=reference_data.ev, name="Old name")
        response = api(personas.officer_north).patch(
            f"/api/projects/{project.pk}/",
            {"responsible_leader": "Li\x07Wei", "version": project.version},
            format="json",
        )
        assert response.status_code == 400
        assert "responsible_leader" in response.json()
        project.refresh_from_db()
        assert project.responsible_leader == ""

    def test_a_multi_line_description_is_accepted(self, personas, reference_data):
        response = api(personas.officer_north).post(
            "/api/projects/", api_body(reference_data, description="line one\nline two\ttabbed"), format="json"
        )
        assert response.status_code == 201, response.content
