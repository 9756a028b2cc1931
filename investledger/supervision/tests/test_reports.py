"""Progress reports: one page per period for all of an officer's projects, late ones flagged, odd funds questioned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.supervision import services
from investledger.supervision.models import ProgressReport
from investledger.supervision.tests.helpers import signed_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(reference_data):
    return {
        "north": signed_project(reference_data, name="North battery plant"),
        "park": signed_project(reference_data, area=reference_data.north_park, name="Park chip fab"),
        "south": signed_project(reference_data, area=reference_data.south, name="South food hall"),
    }


def submit(project, day, period, funds, invested, **kw):
    with audit_context(source="test"), clock.frozen_at(day):
        return services.report_submit(
            project=project,
            period=period,
            funds_in_place_cny=Decimal(funds),
            investment_completed_cny=Decimal(invested),
            **kw,
        )


def test_it_flags_a_report_filed_after_the_grace_days_as_late(projects):
    on_time = submit(projects["north"], dt.date(2024, 2, 10), dt.date(2024, 1, 1), "0", "0")
    late = submit(projects["park"], dt.date(2024, 2, 11), dt.date(2024, 1, 1), "0", "0")
    assert (on_time.is_late, late.is_late) == (False, True)
    assert AuditEntry.objects.filter(object_id=str(late.pk), message="late report").exists()


def test_it_questions_funds_in_place_above_investment_completed_until_confirmed(projects):
    with pytest.raises(services.FundsAboveInvestment) as warning:
        submit(projects["north"], dt.date(2024, 2, 5), dt.date(2024, 1, 1), "2000000", "1000000")
    assert "exceed investment completed" in warning.value.message_dict["funds_in_place_cny"][0]
    assert not ProgressReport.objects.exists()
    # Within the 5 % tolerance it is accepted without a question.
    submit(projects["park"], dt.date(2024, 2, 5), dt.date(2024, 1, 1), "1050000", "1000000")
    report = submit(
        projects["north"], dt.date(2024, 2, 5), dt.date(2024, 1, 1), "2000000", "1000000", confirm_funds_excess=True
    )
    assert report.funds_excess_confirmed


def rows_of(response):
    return {f.initial["project"] for f in response.context["formset"].forms}


def batch_post(client, response, values):
    """Post the batch page back with `values` {project_pk: {field: value}} typed into the rows."""
    formset = response.context["formset"]
    data = {k: v for k, v in formset.management_form.initial.items()}
    data = {f"form-{k}": v for k, v in data.items()}
    for i, form in enumerate(formset.forms):
        pk = form.initial["project"]
        data[f"form-{i}-project"] = pk
        data[f"form-{i}-version"] = form.initial["version"]
        for name, value in values.get(pk, {}).items():
            data[f"form-{i}-{name}"] = value
    return client.post(response.wsgi_request.path, data)


def test_an_officer_fills_in_all_their_projects_on_one_page(projects, personas, login):
    client = login(personas.officer_north)
    with clock.frozen_at(dt.date(2024, 2, 5)):
        response = client.get(reverse("supervision:report_batch"))
        assert response.status_code == 302 and response["Location"].endswith("/reports/2024-01/")
        page = client.get(response["Location"])
        assert rows_of(page) == {projects["north"].pk, projects["park"].pk}
        north, park = projects["north"].pk, projects["park"].pk
        saved = batch_post(
            client,
            page,
            {
                north: {"funds_in_place": "1200", "investment_completed": "1200", "jobs_created": "15"},
                park: {"funds_in_place": "300", "investment_completed": "290", "narrative": "Foundations poured"},
            },
        )
    assert saved.status_code == 302
    reports = {r.project_id: r for r in ProgressReport.objects.all()}
    assert reports[north].investment_completed_cny == Decimal("12000000")
    assert reports[north].jobs_created == 15
    assert reports[park].narrative == "Foundations poured"


def test_one_questioned_row_saves_nothing_until_confirmed(projects, personas, login):
    client = login(personas.officer_north)
    north, park = projects["north"].pk, projects["park"].pk
    with clock.frozen_at(dt.date(2024, 2, 5)):
        page = client.get(reverse("supervision:report_batch_period", args=["2024-01"]))
        typed = {
            north: {"funds_in_place": "5000", "investment_completed": "1000"},
            park: {"funds_in_place": "300", "investment_completed": "300"},
        }
        refused = batch_post(client, page, typed)
        assert refused.status_code == 400
        assert "exceed investment completed" in refused.content.decode()
        assert 'name="form-0-confirm_funds_excess"' in refused.content.decode()
        assert not ProgressReport.objects.exists()
        typed[north]["confirm_funds_excess"] = "on"
        assert batch_post(client, page, typed).status_code == 302
    assert ProgressReport.objects.count() == 2


def test_the_batch_page_marks_missing_reports_late_after_the_due_date(projects, personas, login):
    client = login(personas.officer_south)
    with clock.frozen_at(dt.date(2024, 2, 20)):
        page = client.get(reverse("supervision:report_batch_period", args=["2024-01"]))
    assert page.status_code == 200
    assert "missing, late" in page.content.decode()
    assert rows_of(page) == {projects["south"].pk}
