"""The API list writes its rows directly (for speed): they must be exactly what the declared fields give."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from investledger.ledger.projects.api import ProjectListSerializer
from investledger.ledger.projects.models import Project
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def test_the_lists_rows_are_what_the_declared_fields_give(personas, reference_data):
    ref = reference_data
    make_project(area=ref.north, sector=ref.ev, value="1234567.89", event=ref.event)
    make_project(
        area=ref.north_park,
        sector=ref.bio,
        value="2500000000",
        currency="USD",
        fx_rate=Decimal("7.1234"),
        fx_date=dt.date(2025, 1, 2),
    )
    lit = make_project(area=ref.south, sector=ref.food, value="0", event=ref.event)
    Project.objects.filter(pk=lit.pk).update(light="red", light_on=dt.date(2025, 3, 4))
    client = APIClient()
    client.force_authenticate(personas.admin)
    rows = client.get("/api/projects/").json()["results"]
    assert len(rows) == 3
    for row in rows:
        project = Project.objects.select_related("investor", "host_area", "sector", "first_event").get(pk=row["id"])
        generic = serializers.ModelSerializer.to_representation(ProjectListSerializer(), project)
        assert row == json.loads(JSONRenderer().render(generic))
        assert list(row) == ProjectListSerializer.Meta.fields
