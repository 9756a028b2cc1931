"""Progress reporting that never blocks: rows stand alone, amounts in 万元 as labelled, filters, a form per project."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.supervision import services
from investledger.supervision.forms import from_wan, to_wan
from investledger.supervision.models import ProgressReport
from investledger.supervision.tests.helpers import signed_project
from investledger.supervision.tests.test_reports import batch_post, rows_of

pytestmark = pytest.mark.django_db

FEB_5 = dt.date(2024, 2, 5)
JAN = dt.date(2024, 1, 1)


@pytest.fixture
def projects(reference_data):
    return {
        "north": signed_project(reference_data, name="North battery plant", value="26000000000"),
        "park": signed_project(reference_data, area=reference_data.north_park, name="Park chip fab"),
        "south": signed_project(reference_data, area=reference_data.south, name="South food hall"),
    }


def file(project, funds, invested, *, period=JAN, day=FEB_5, **kw):
    with audit_context(source="test"), clock.frozen_at(day):
        return services.report_submit(
            project=project,
            period=period,
            funds_in_place_cny=Decimal(funds),
            investment_completed_cny=Decimal(invested),
            **kw,
        )


def batch_page(client, query=""):
    return client.get(reverse("supervision:report_batch_period", args=["2024-01"]) + query)


def shown_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


def test_a_stored_amount_with_more_decimals_than_the_field_keeps_is_shown_rounded_and_the_page_saves(
    projects, personas, login
):
    # 13,000,000,720 CNY is 1,300,000.072 万元: one decimal more than the form keeps.
    north = projects["north"]
    file(north, "13000000720", "13000000720")
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        page = batch_page(client)
        html = page.content.decode()
        assert shown_value(html, "form-0-funds_in_place") == "1300000.07"
        assert 'step="0.01"' not in html  # no browser check that refuses the whole page for one row
        saved = batch_post(client, page, {projects["park"].pk: {"funds_in_place": "10", "investment_completed": "10"}})
        assert saved.status_code == 302
        again = batch_post(client, batch_page(client), {north.pk: {"narrative": "Second line energised"}})
    assert again.status_code == 302
    report = ProgressReport.objects.get(project=north)
    # The untouched rounded figure keeps the stored amount to the yuan; only the narrative changed.
    assert report.funds_in_place_cny == Decimal("13000000720")
    assert report.narrative == "Second line energised"
    assert ProgressReport.objects.filter(project=projects["park"]).exists()


def test_a_typed_amount_with_more_decimals_than_the_field_keeps_is_refused_naming_the_row_and_field(
    projects, personas, login
):
    client = login(personas.officer_north)
    north, park = projects["north"], projects["park"]
    with clock.frozen_at(FEB_5):
        page = batch_page(client)
        response = batch_post(
            client,
            page,
            {
                north.pk: {"funds_in_place": "1300000.072", "investment_completed": "1300000"},
                park.pk: {"funds_in_place": "250.5", "investment_completed": "250.5", "jobs_created": "12"},
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    failures = html[html.index('id="report-failures"') :]
    failures = failures[: failures.index("</div>")]
    assert north.reference in failures and "Funds in place (10k CNY)" in failures
    assert "at most 2 decimals" in failures
    assert "1 row was not saved; the other rows were saved." in failures
    # The refused row keeps what was typed; the other row is on record, exactly converted.
    assert shown_value(html, "form-0-funds_in_place") == "1300000.072"
    assert not ProgressReport.objects.filter(project=north).exists()
    assert ProgressReport.objects.get(project=park).funds_in_place_cny == Decimal("2505000")


def test_when_every_changed_row_is_refused_the_page_says_nothing_was_saved(projects, personas, login):
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        response = batch_post(
            client, batch_page(client), {projects["north"].pk: {"funds_in_place": "abc", "investment_completed": "1"}}
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: every row you changed needs correcting." in html
    assert "Type a number, in 10k CNY" in html
    assert not ProgressReport.objects.exists()


def test_amounts_typed_in_10k_cny_are_converted_exactly():
    assert from_wan(Decimal("0.01")) == Decimal("100")
    assert from_wan(Decimal("12345678901234.56")) == Decimal("123456789012345600")
    assert to_wan(Decimal("13000000720")) == Decimal("1300000.07")
    assert to_wan(Decimal("13000000750")) == Decimal("1300000.08")  # half up, as printed reports round
    assert from_wan(Decimal("1300000.07"), Decimal("13000000720")) == Decimal("13000000720")
    assert from_wan(Decimal("1300000.08"), Decimal("13000000720")) == Decimal("13000000800")


def test_the_batch_page_filters_by_area_and_by_not_yet_reported(projects, personas, login, reference_data):
    file(projects["north"], "0", "0")
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        everything = batch_page(client)
        park_only = batch_page(client, f"?area={reference_data.north_park.pk}")
        missing = batch_page(client, "?missing=1")
        elsewhere = batch_page(client, f"?area={reference_data.south.pk}")
    assert rows_of(everything) == {projects["north"].pk, projects["park"].pk}
    assert rows_of(park_only) == {projects["park"].pk}
    assert "Projects in North Park" in park_only.content.decode()
    assert rows_of(missing) == {projects["park"].pk}
    assert "not yet reported" in missing.content.decode()
    assert elsewhere.status_code == 404  # an area outside the officer's is not offered


def test_a_saved_row_leaves_a_not_yet_reported_list_and_the_filters_stay(projects, personas, login):
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        page = batch_page(client, "?missing=1")
        saved = batch_post(client, page, {projects["park"].pk: {"funds_in_place": "1", "investment_completed": "1"}})
        assert saved.status_code == 302 and saved["Location"].endswith("?missing=1")
        assert rows_of(client.get(saved["Location"])) == {projects["north"].pk}


def test_two_officers_saving_the_same_report_never_silently_overwrite_each_other(projects, personas, reference_data):
    from django.test import Client

    from investledger.testing import PASSWORD

    first, second = Client(), Client()
    first.login(username="officer_north", password=PASSWORD)
    second.login(username="officer_park", password=PASSWORD)
    park = projects["park"]
    with clock.frozen_at(FEB_5):
        page_first, page_second = batch_page(first), batch_page(second)
        typed = {park.pk: {"funds_in_place": "100", "investment_completed": "100"}}
        assert batch_post(first, page_first, typed).status_code == 302
        clash = batch_post(second, page_second, {park.pk: {"funds_in_place": "90", "investment_completed": "90"}})
        assert clash.status_code == 400
        assert "Someone else saved this report after you opened the page" in clash.content.decode()
        assert ProgressReport.objects.get(project=park).funds_in_place_cny == Decimal("1000000")
        # Having seen the other figures, a second save replaces them deliberately.
        assert batch_post(second, clash, {}).status_code == 302
    assert ProgressReport.objects.get(project=park).funds_in_place_cny == Decimal("900000")


def test_a_project_report_is_filed_from_the_project_page(projects, personas, login):
    north = projects["north"]
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        detail = client.get(reverse("projects:project_detail", args=[north.pk])).content.decode()
        form_url = reverse("supervision:project_report", args=[north.pk])
        assert f'href="{form_url}"' in detail
        page = client.get(form_url)
        assert page.status_code == 200 and "Progress report for 2024-01" in page.content.decode()
        refused = client.post(
            form_url,
            {"project": north.pk, "version": 0, "funds_in_place": "10.125", "investment_completed": "10"},
        )
        assert refused.status_code == 400 and "at most 2 decimals" in refused.content.decode()
        saved = client.post(
            form_url,
            {"project": north.pk, "version": 0, "funds_in_place": "10.12", "investment_completed": "10.12"},
        )
        assert saved.status_code == 302
        latest = client.get(saved["Location"]).content.decode()
    report = ProgressReport.objects.get(project=north, period=JAN)
    assert report.funds_in_place_cny == Decimal("101200")
    assert 'id="latest-report"' in latest and "10.12" in latest


def test_the_project_report_form_refuses_a_stale_version_and_shows_the_other_figures(projects, personas, login):
    park = projects["park"]
    file(park, "5000000", "5000000")
    client = login(personas.officer_park)
    url = reverse("supervision:project_report", args=[park.pk]) + "?period=2024-01"
    with clock.frozen_at(FEB_5):
        response = client.post(
            url, {"project": park.pk, "version": 0, "funds_in_place": "1", "investment_completed": "1"}
        )
    assert response.status_code == 400
    assert "funds in place 500.00" in response.content.decode()
    assert ProgressReport.objects.get(project=park).funds_in_place_cny == Decimal("5000000")


def test_the_project_report_form_is_refused_to_those_who_do_not_report(projects, personas, login):
    url = reverse("supervision:project_report", args=[projects["north"].pk])
    data = {"project": projects["north"].pk, "version": 0, "funds_in_place": "1", "investment_completed": "1"}
    with clock.frozen_at(FEB_5):
        supervisor = login(personas.supervisor)
        page = supervisor.get(url)
        assert page.status_code == 200 and 'name="funds_in_place"' not in page.content.decode()
        assert supervisor.post(url, data).status_code == 403
        assert login(personas.leader).post(url, data).status_code == 403
        assert login(personas.officer_south).get(url).status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_report_pages_state_the_unit_in_chinese(projects, personas, login):
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5), translation.override("zh-hans"):
        page = client.get(
            reverse("supervision:report_batch_period", args=["2024-01"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "万元" in page and "到位资金" in page


def test_the_demo_officers_report_page_saves_as_it_is_shown(reference_data, personas, login):
    """The demo files reports to the yuan, some with more decimals in 万元 than the form keeps."""
    from investledger.supervision import demo
    from investledger.testing import make_project

    today = dt.date(2026, 11, 20)
    projects = [
        make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event, is_demo=True)
        for _ in range(5)
    ]
    for project in projects:
        project.contract_value_cny = Decimal("13000000720")
        project.save(update_fields=["contract_value_cny"])
    with clock.frozen_at(today):
        demo.load()
        stored = dict(ProgressReport.objects.values_list("pk", "funds_in_place_cny"))
        client = login(personas.officer_north)
        page = client.get(reverse("supervision:report_batch"), follow=True)
        shown = page.content.decode()
        # The month's page holds a report with more decimals in 万元 than the form keeps.
        assert "1300000.07" in shown or "1235000.07" in shown, "no report of the month with three decimals"
        saved = batch_post(client, page, {})
    assert saved.status_code == 302
    assert dict(ProgressReport.objects.values_list("pk", "funds_in_place_cny")) == stored


def test_a_row_naming_a_project_the_officer_may_not_report_on_is_refused_alone(projects, personas, login):
    client = login(personas.officer_north)
    north, south = projects["north"], projects["south"]
    with clock.frozen_at(FEB_5):
        response = client.post(
            reverse("supervision:report_batch_period", args=["2024-01"]),
            {
                "form-TOTAL_FORMS": "2",
                "form-0-project": str(south.pk),
                "form-0-version": "0",
                "form-0-funds_in_place": "1",
                "form-0-investment_completed": "1",
                "form-1-project": str(north.pk),
                "form-1-version": "0",
                "form-1-funds_in_place": "2",
                "form-1-investment_completed": "2",
            },
        )
    assert response.status_code == 400
    assert "Row 1: a project you may not report on" in response.content.decode()
    assert south.name not in response.content.decode()
    assert list(ProgressReport.objects.values_list("project_id", flat=True)) == [north.pk]


def test_a_narrative_holding_a_control_character_refuses_only_its_row(projects, personas, login):
    client = login(personas.officer_north)
    north, park = projects["north"], projects["park"]
    with clock.frozen_at(FEB_5):
        response = batch_post(
            client,
            batch_page(client),
            {
                north.pk: {"funds_in_place": "1", "investment_completed": "1", "narrative": "Line\x0benergised"},
                park.pk: {"funds_in_place": "2", "investment_completed": "2", "narrative": "Roof on\r\nWalls up"},
            },
        )
    assert response.status_code == 400
    failures = response.content.decode().split('id="report-failures"', 1)[1].split("</div>", 1)[0]
    assert north.reference in failures and "Progress" in failures and "U+000B" in failures
    assert list(ProgressReport.objects.values_list("project_id", flat=True)) == [park.pk]
