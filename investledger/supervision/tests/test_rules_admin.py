"""The bureau edits the light rules in the administration: each save is a new version, never an edit."""

import json

import pytest

from investledger.supervision.models import DEFAULT_RULE_PARAMETERS, RuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(personas, login):
    personas.admin.is_staff = personas.admin.is_superuser = True  # as the bureau administrator is set up
    personas.admin.save(update_fields=["is_staff", "is_superuser"])
    return login(personas.admin)


def test_saving_rules_in_the_admin_creates_a_new_version(bureau):
    client = bureau
    first = RuleSet.objects.get(version=1)
    stricter = {**DEFAULT_RULE_PARAMETERS, "red_overdue_months": 2}
    response = client.post(
        f"/admin/supervision/ruleset/{first.pk}/change/",
        {"parameters": json.dumps(stricter), "note": "Red after two months"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.parameters["red_overdue_months"] == 3
    assert RuleSet.objects.order_by("-version").first().parameters["red_overdue_months"] == 2


def test_it_refuses_rules_that_contradict_themselves(bureau):
    client = bureau
    broken = {**DEFAULT_RULE_PARAMETERS, "yellow_progress_gap": 40}
    response = client.post("/admin/supervision/ruleset/add/", {"parameters": json.dumps(broken), "note": "x"})
    assert response.status_code == 200
    assert "yellow_progress_gap cannot be above red_progress_gap" in response.content.decode()
    assert RuleSet.objects.count() == 1


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_it_refuses_a_percentage_that_is_not_a_finite_number_naming_it(bureau, text):
    body = json.dumps(DEFAULT_RULE_PARAMETERS).replace(
        '"funds_tolerance_percent": 5', f'"funds_tolerance_percent": {text}'
    )
    response = bureau.post("/admin/supervision/ruleset/add/", {"parameters": body, "note": "x"})
    assert response.status_code == 200
    assert "funds_tolerance_percent: not a finite number" in response.content.decode()
    assert RuleSet.objects.count() == 1
