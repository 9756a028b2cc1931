"""Progress reports: one page per period for all of an officer's projects, late ones flagged, odd funds questioned."""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

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
    return {row.project.pk for row in response.context["rows"]}


class _FormFields(HTMLParser):
    """The fields a browser would send from the page's report form, with the values it shows."""

    def __init__(self):
        super().__init__()
        self.fields, self.inside, self._textarea = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method") == "post" and attrs.get("id") == "report-batch"
        elif self.inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = "on"
            else:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data.lstrip("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def batch_post(client, response, values):
    """Post the batch page back as a browser would: every field as shown, with `values` typed over them.

    `values` is {project_pk: {field: value}}; a row is found by the project id it carries.
    """
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = dict(parser.fields)
    prefixes = {data[k]: k[: -len("-project")] for k in data if k.endswith("-project")}
    for pk, typed in values.items():
        for name, value in typed.items():
            data[f"{prefixes[str(pk)]}-{name}"] = value
    data.pop("csrfmiddlewaretoken", None)
    return client.post(response.wsgi_request.get_full_path(), data)


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


def test_a_questioned_row_waits_for_confirmation_while_the_other_rows_are_saved(projects, personas, login):
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
        # The figures are named in the unit the form is typed in (万元), then to the yuan.
        assert "5,000.00 in 10k CNY, CNY 50,000,000.00" in refused.content.decode()
        assert 'id="id_form-0-confirm_funds_excess"' in refused.content.decode()
        assert set(ProgressReport.objects.values_list("project_id", flat=True)) == {park}
        typed = {north: {"funds_in_place": "5000", "investment_completed": "1000", "confirm_funds_excess": "on"}}
        assert batch_post(client, refused, typed).status_code == 302
    assert ProgressReport.objects.count() == 2


def test_the_batch_page_marks_missing_reports_late_after_the_due_date(projects, personas, login):
    client = login(personas.officer_south)
    with clock.frozen_at(dt.date(2024, 2, 20)):
        page = client.get(reverse("supervision:report_batch_period", args=["2024-01"]))
    assert page.status_code == 200
    assert "missing, late" in page.content.decode()
    assert rows_of(page) == {projects["south"].pk}
