"""The lead figures are defined once (leads.selectors.lead_figures), registered in the metric registry
with cohort and as-of, and the pages that show them agree: the pipeline page, the registry page and the
API answer the same numbers, today and as of a past day."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.leads import services
from investledger.leads.choices import LeadSource, LeadStage, ReferrerKind
from investledger.leads.models import Referrer
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all
from investledger.testing import make_project

KEYS = ["leads_open", "lead_response_rate", "lead_conversion_rate", "lead_days_to_signing", "negotiating_value",
        "referrer_credit"]  # fmt: skip
DAY1, DAY2, DAY3 = dt.date(2026, 3, 2), dt.date(2026, 3, 16), dt.date(2026, 4, 1)


@pytest.fixture
def pipeline(make_lead, personas, reference_data, units):
    """Four North leads received on 2 March 2026: one signed on 1 April with its ambassador credited 40 %,
    one under negotiation (RMB 2 bn) since 16 March, one lost, one left new; a South lead besides."""
    officer = personas.officer_north
    ambassador = Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使")
    with clock.frozen_at(DAY1):
        signed = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador, size_cny=Decimal("5000000000"))
        talks = make_lead(size_cny=Decimal("2000000000"))
        lost = make_lead()
        make_lead()
        make_lead(by=personas.officer_south, unit=units["south"], area=reference_data.south)
    with clock.frozen_at(DAY2):
        services.lead_move(lead=signed, to_stage=LeadStage.NEGOTIATING, by=officer)
        services.lead_move(lead=talks, to_stage=LeadStage.NEGOTIATING, by=officer)
        services.lead_lose(lead=lost, reason="Went to another city", by=officer)
    project = make_project(area=reference_data.north, sector=reference_data.ev, value="5000000000")
    with clock.frozen_at(DAY3):
        services.lead_convert(
            lead=signed,
            project=project,
            shares=[{"unit": units["north"], "percent": 60}, {"referrer": ambassador, "percent": 40}],
            by=officer,
        )
    return {"ambassador": ambassador}


def test_the_registry_counts_the_pipeline_as_it_stood_on_each_day(pipeline, personas):
    with clock.frozen_at(dt.date(2026, 4, 10)):
        now = compute_all(personas.officer_north, Cohort(), clock.today(), keys=KEYS)
        before = compute_all(personas.officer_north, Cohort(), dt.date(2026, 3, 20), keys=KEYS)
        earliest = compute_all(personas.officer_north, Cohort(), dt.date(2026, 3, 1), keys=KEYS)
    assert (now["leads_open"].value, now["leads_open"].extra["by_stage"]["negotiating"]) == (2, 1)
    assert (now["lead_conversion_rate"].numerator, now["lead_conversion_rate"].denominator) == (1, 3)
    assert now["lead_days_to_signing"].value == Decimal("30.0")  # 2 March → 1 April
    assert now["negotiating_value"].value == Decimal("2000000000")
    assert now["referrer_credit"].value == Decimal("2000000000.00")  # 40 % of RMB 5 bn
    assert now["referrer_credit"].extra["by_referrer"] == {pipeline["ambassador"].pk: Decimal("2000000000.00")}
    # On 20 March the signed lead was still under negotiation, and nothing was credited yet.
    assert before["leads_open"].value == 3 and before["leads_open"].extra["by_stage"]["negotiating"] == 2
    assert before["negotiating_value"].value == Decimal("7000000000")
    assert (before["lead_conversion_rate"].numerator, before["lead_conversion_rate"].denominator) == (0, 3)
    assert before["lead_days_to_signing"].value is None and before["referrer_credit"].value == 0
    assert earliest["leads_open"].value == 0
    assert now["leads_open"].cohort == "all leads in your scope" and now["leads_open"].as_of == dt.date(2026, 4, 10)


def test_the_cohort_narrows_the_leads_by_period_and_area(pipeline, personas, reference_data):
    with clock.frozen_at(dt.date(2026, 4, 10)):
        admin = compute_all(personas.admin, Cohort(), clock.today(), keys=["leads_open"])["leads_open"]
        south = compute_all(personas.admin, Cohort(area=reference_data.south), clock.today(), keys=["leads_open"])
        later = compute_all(personas.admin, Cohort(signed_from=dt.date(2026, 3, 3)), clock.today(), keys=["leads_open"])
    assert admin.value == 3 and south["leads_open"].value == 1 and later["leads_open"].value == 0
    assert "South" in south["leads_open"].cohort


def number(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def test_the_pipeline_page_the_registry_page_and_the_api_agree(pipeline, client, personas):
    client.force_login(personas.officer_north)
    with clock.frozen_at(dt.date(2026, 4, 10)):
        registry = compute_all(personas.officer_north, Cohort(), clock.today(), keys=KEYS)
        pipeline_page = client.get(reverse("leads:pipeline")).content.decode()
        metric_page = client.get(reverse("reporting:metric_list")).content.decode()
        api = {m["key"]: m for m in client.get("/api/metrics/", {"metric": KEYS}).json()["results"]}
        dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    cards = dict(re.findall(r'data-metric="([a-z_]+)">.*?data-value="([^"]*)"', dashboard, re.S))
    for key in ["leads_open", "lead_conversion_rate", "negotiating_value"]:
        value = registry[key].value
        assert cards[key] == ("" if value is None else str(value)), key
    from investledger.reporting.templatetags.reporting import figure

    for key in ["lead_response_rate", "lead_conversion_rate", "negotiating_value"]:
        shown = figure(registry[key])
        element = {"lead_response_rate": "figure-response", "lead_conversion_rate": "figure-conversion",
                   "negotiating_value": "figure-negotiating"}[key]  # fmt: skip
        on_pipeline = re.search(rf'id="{element}">([^<]*)<', pipeline_page).group(1)
        assert on_pipeline == shown, key
        row = metric_page.split(f'id="metric-{key}"')[1].split("</tr>")[0]
        assert shown in number(row), key
    for key in KEYS:
        assert api[key]["value"] == registry[key].as_dict()["value"] and api[key]["as_of"] == "2026-04-10", key
    assert api["leads_open"]["breakdown"]["by_stage"]["negotiating"] == 1
    row = metric_page.split('id="metric-lead_days_to_signing"')[1].split("</tr>")[0]
    assert "30.0 days" in number(row)
