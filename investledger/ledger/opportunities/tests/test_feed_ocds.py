"""The feed's OCDS planning releases, and the feed and its CSV against what docs/opportunity-feed.* document."""

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .conftest import add_opportunity

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR).parent / "docs"
SCHEMA = json.loads((DOCS / "opportunity-feed.schema.json").read_text())


def feed() -> dict:
    document = Client().get(reverse("opportunities:public_feed_json")).json()
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return {item["title_zh"]: item for item in document["opportunities"]}


def test_a_franchise_is_an_ocds_planning_release_of_services_with_its_budget(reference_data, north_list):
    add_opportunity(
        north_list,
        title="园区污水处理特许经营",
        area=reference_data.north_park,
        value="250000000",
        code="franchising",
        cooperation_mode="ppp",
        incentives="特许经营期30年",
    )
    release = feed()["园区污水处理特许经营"]["ocds"]
    assert release["tag"] == ["planning"] and release["tender"]["status"] == "planned"
    assert release["ocid"].endswith(f"-opportunity-{release['planning']['budget']['projectID']}")
    assert release["buyer"] == {"id": "area-north", "name": "北区"}
    assert release["parties"][1] == {"id": "unit-bureau", "name": "投资促进局", "roles": ["procuringEntity"]}
    assert release["planning"]["budget"]["amount"] == {"amount": 250000000, "currency": "CNY"}
    assert release["planning"]["rationale"] == "特许经营期30年"
    tender = release["tender"]
    assert tender["mainProcurementCategory"] == "services" and "特许经营" in tender["procurementMethodRationale"]
    assert tender["items"][0]["classification"] == {
        "scheme": "investledger-category",
        "id": "franchising",
        "description": "特许经营",
    }
    assert release["date"].startswith("2023-04-12T00:00:00")


def test_an_amount_not_published_gives_the_budget_no_amount_rather_than_0(reference_data, north_list):
    add_opportunity(north_list, title="北区物流园二期", area=reference_data.north, value=None)
    release = feed()["北区物流园二期"]["ocds"]
    assert "amount" not in release["planning"]["budget"]
    assert release["tender"]["mainProcurementCategory"] == "works"


def test_the_schema_refuses_an_ocds_amount_written_as_a_string(reference_data, north_opportunities):
    document = Client().get(reverse("opportunities:public_feed_json")).json()
    document["opportunities"][0]["ocds"]["planning"]["budget"]["amount"]["amount"] = "1000000000.00"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_the_csv_columns_are_those_the_documentation_lists(north_opportunities):
    text = b"".join(Client().get(reverse("opportunities:public_feed_csv")).streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    documented = (DOCS / "opportunity-feed.md").read_text().split("Columns, in order:", 1)[1].split("`.", 1)[0]
    assert header == [name.strip() for name in re.sub(r"[`\s]+", " ", documented).split(",")]
