"""Event report and monthly supervision report (通报): figures, downloads in both languages, scope."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def workbook_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in wb.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


class TestEventReport:
    def test_it_sets_the_announced_figures_beside_the_ledger_count(self, client, ledger, personas, today):
        from decimal import Decimal

        ledger.event.announced_count = 70
        ledger.event.announced_value_cny = Decimal("212100000000")
        ledger.event.save()
        response = get(client, personas.admin, reverse("reporting:event_report", args=[ledger.event.pk]))
        assert response.status_code == 200
        report = response.context["report"]
        assert report.totals.count == 4
        assert report.count_gap == 4 - 70
        assert report.totals.large_count == 3
        assert report.figures["start_rate_signed"].numerator == 2  # N1 started, N3 in production; S2 signed elsewhere
        html = response.content.decode()
        assert "70" in html and "Follow-up since the event" in html

    def test_a_district_officer_sees_only_their_projects_of_the_event(self, client, ledger, personas, today):
        report = get(client, personas.officer_south, reverse("reporting:event_report", args=[ledger.event.pk])).context[
            "report"
        ]
        assert report.totals.count == 1  # S1 only

    def test_an_unknown_event_is_not_found(self, client, ledger, personas, today):
        assert get(client, personas.admin, reverse("reporting:event_report", args=[999999])).status_code == 404


class TestMonthlyReport:
    def test_it_ranks_areas_on_the_page(self, client, ledger, personas, reference_data, today):
        response = get(client, personas.supervisor, reverse("reporting:monthly_report"), period="2024-05")
        assert response.status_code == 200
        report = response.context["report"]
        assert report.as_of == dt.date(2024, 5, 31)
        # Default formula: North leads on value (3.5 against 3.3 bn), start and production rates.
        assert [line.area.pk for line in report.ranking] == [reference_data.north.pk, reference_data.south.pk]
        assert "Ranking of areas" in response.content.decode()

    @pytest.mark.parametrize("lang", ["en", "zh-hans"])
    def test_it_downloads_as_pdf(self, client, ledger, personas, today, lang):
        response = get(
            client, personas.supervisor, reverse("reporting:monthly_report"), period="2024-05", format="pdf", lang=lang
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f"-{lang}.pdf" in response["Content-Disposition"]
        if lang == "zh-hans":
            assert b"STSong-Light" in response.content  # the Chinese CID font is used

    @pytest.mark.parametrize("lang,expected", [("en", "Ranking of areas"), ("zh-hans", "区县排名")])
    def test_it_downloads_as_xlsx_in_the_language_asked(self, client, ledger, personas, today, lang, expected):
        response = get(
            client, personas.supervisor, reverse("reporting:monthly_report"), period="2024-05", format="xlsx", lang=lang
        )
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        text = workbook_text(response.content)
        assert expected in text
        assert "North District" in text or "北区" in text
        if lang == "zh-hans":
            assert "北区" in text and "签约额" in text

    def test_the_same_month_gives_the_same_figures_later(self, client, ledger, personas, today):
        from investledger.core import clock
        from investledger.core.audit import audit_context
        from investledger.ledger.projects.services import project_set_stage

        first = get(client, personas.admin, reverse("reporting:monthly_report"), period="2024-05").context["report"]
        with audit_context(actor=None, source="test"), clock.frozen_at(today):
            project_set_stage(project=ledger.s2, stage="started")
        again = get(client, personas.admin, reverse("reporting:monthly_report"), period="2024-05").context["report"]
        assert {k: r.value for k, r in first.figures.items()} == {k: r.value for k, r in again.figures.items()}

    def test_a_district_officer_gets_their_district_only(self, client, ledger, personas, reference_data, today):
        report = get(client, personas.officer_north, reverse("reporting:monthly_report"), period="2024-05").context[
            "report"
        ]
        assert report.figures["signed_count"].value == 3
        assert [line.area.pk for line in report.ranking] == [reference_data.north_park.pk]
        response = get(
            client, personas.officer_north, reverse("reporting:monthly_report"), area=reference_data.south.pk
        )
        assert response.status_code == 404

    def test_a_bad_period_is_named(self, client, ledger, personas, today):
        response = get(client, personas.admin, reverse("reporting:monthly_report"), period="May")
        assert response.status_code == 400
        assert b"period" in response.content


class TestMonthlyReportCommand:
    def test_it_writes_the_report_for_a_users_scope(self, ledger, personas, today, tmp_path):
        from django.core.management import call_command

        out = tmp_path / "report.xlsx"
        call_command(
            "monthly_report", period="2024-05", user="officer_north", lang="zh-hans", format="xlsx", output=str(out)
        )
        text = workbook_text(out.read_bytes())
        assert "北区园区" in text and "南区" not in text

    def test_it_names_a_bad_argument(self, ledger, personas, today, tmp_path):
        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="--user"):
            call_command("monthly_report", period="2024-05", user="nobody", output=str(tmp_path / "x.pdf"))
        with pytest.raises(CommandError, match="--period"):
            call_command("monthly_report", period="May", user="admin", output=str(tmp_path / "x.pdf"))
