"""The printable ledger (台账): the ledger page's projects, filtered and ordered alike, in the bureau's
layout, in both languages, with figures from their owning selectors. Files are opened for real."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation.services import issue_close, issue_raise
from investledger.ledger.projects.choices import Stage
from investledger.reporting import metrics
from investledger.reporting.cohort import Cohort
from investledger.supervision.services import light_assess, report_submit
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
BN = Decimal("1000000000")
HEADERS_EN = [
    "No.",
    "Project",
    "Investor",
    "Signed value (RMB bn)",
    "Responsible leader",
    "Lead unit",
    "Stage",
    "Latest progress",
    "Open problems",
    "Light",
    "Reason for the light",
]


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def ledger(reference_data):
    ref = reference_data
    with clock.frozen_at(dt.date(2024, 3, 1)):
        plant = make_project(
            area=ref.north,
            sector=ref.ev,
            name="北区电池工厂",
            value=3 * BN,
            event=ref.event,
            signed_on=dt.date(2024, 3, 1),
            responsible_leader="王副市长",
            lead_unit=ref.bureau,
        )
        vaccine = make_project(
            area=ref.north_park,
            sector=ref.bio,
            name="园区疫苗基地",
            value=BN / 2,
            event=ref.event,
            signed_on=dt.date(2024, 3, 1),
        )
        talks = make_project(area=ref.north, sector=ref.food, name="北区食品在谈", value=BN, stage=Stage.NEGOTIATING)
        south = make_project(area=ref.south, sector=ref.food, name="南区冷链", value=2 * BN, event=ref.event)
    with audit_context(source="test"):
        report_submit(
            project=plant,
            period=dt.date(2026, 10, 1),
            funds_in_place_cny=BN,
            investment_completed_cny=BN,
            narrative="厂房主体封顶",
        )
        open_issue = issue_raise(
            project=plant,
            fields={"title": "电力接入延迟", "category": "power", "responsible_unit": ref.power},
            by=None,
        )
        closed = issue_raise(
            project=plant, fields={"title": "环评已批", "category": "power", "responsible_unit": ref.power}, by=None
        )
        issue_close(issue=closed, by=None, resolution="批复已下达")
        for project in (plant, vaccine):
            light_assess(project=project)
    return {"plant": plant, "vaccine": vaccine, "talks": talks, "south": south, "issue": open_issue}


def fetch(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def sheet_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def body(rows):
    header = rows.index(next(r for r in rows if r and r[0] in ("No.", "序号")))
    return rows[header], rows[header + 1 :]


def test_the_unfiltered_ledger_holds_every_visible_project_numbered(client, personas, ledger):
    response, content = fetch(client, personas.officer_north, "reporting:ledger_xlsx", lang="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-en.xlsx"')
    header, lines = body(sheet_rows(content))
    assert header == HEADERS_EN
    assert [line[0] for line in lines] == [1, 2, 3]
    names = {line[1].split("\n")[0] for line in lines}
    assert names == {"北区电池工厂", "园区疫苗基地", "北区食品在谈"}  # South is outside the officer's scope


def test_it_follows_the_ledger_pages_filters_and_order(client, personas, ledger, reference_data):
    params = {"area": reference_data.north.pk, "ordering": "-value"}
    client.force_login(personas.admin)
    page = client.get(reverse("projects:project_list"), {**params, "page_size": 100})
    shown = [p.name for p in page.context["object_list"]]
    _response, content = fetch(client, personas.admin, "reporting:ledger_xlsx", lang="en", **params)
    _header, lines = body(sheet_rows(content))
    assert [line[1].split("\n")[0] for line in lines] == shown == ["北区电池工厂", "北区食品在谈", "园区疫苗基地"]
    assert "Host area: 北区" in sheet_rows(content)[1][0] or "Host area: North District" in sheet_rows(content)[1][0]


def test_figures_come_from_their_owning_selectors(client, personas, ledger):
    _response, content = fetch(client, personas.officer_north, "reporting:ledger_xlsx", lang="en")
    rows = sheet_rows(content)
    _header, lines = body(rows)
    by_name = {line[1].split("\n")[0]: line for line in lines}
    plant = by_name["北区电池工厂"]
    assert plant[1] == f"北区电池工厂\n{ledger['plant'].reference}"
    assert plant[3] == 3  # RMB bn, a number
    assert plant[4] == "王副市长" and plant[5] == "Investment Promotion Bureau"
    assert plant[7] == "2026-10: 厂房主体封顶"
    assert "电力接入延迟" in plant[8] and "环评已批" not in plant[8]  # open problems only
    assessment = ledger["plant"].light_assessments.order_by("-assessed_on", "-id").first()
    assert plant[9] == str(assessment.get_light_display())
    assert by_name["北区食品在谈"][3] is None  # not signed: no signed value
    assert by_name["北区食品在谈"][9] == "not assessed"
    total = metrics.compute_all(personas.officer_north, Cohort(), TODAY, keys=["signed_value", "signed_count"])
    assert total["signed_count"].value == 2
    assert rows[2][0].startswith("Signed: 2 projects, RMB 3.50 bn (")  # as the ledger page writes it
    assert sum(line[3] or 0 for line in lines) == total["signed_value"].value / BN


def test_headers_and_values_are_translated(client, personas, ledger):
    _response, content = fetch(client, personas.officer_north, "reporting:ledger_xlsx", lang="zh-hans")
    rows = sheet_rows(content)
    header, lines = body(rows)
    assert rows[0][0] == "签约项目推进台账"
    assert rows[2][0].startswith("已签约：2 个项目，35.00亿元（")  # as the ledger page writes it
    assert header[:4] == ["序号", "项目", "投资方", "签约额（亿元）"]
    plant = next(line for line in lines if line[1].startswith("北区电池工厂"))
    assert plant[3] == 30  # 亿元
    assert plant[5] == "投资促进局"
    talks = next(line for line in lines if line[1].startswith("北区食品在谈"))
    assert talks[6] == "在谈" and talks[9] == "未评价"


@pytest.mark.parametrize(
    "lang,expected", [("en", ["No.", "Open problems", "Under negotiation"]), ("zh-hans", ["序号", "存在问题", "在谈"])]
)
def test_the_pdf_lists_the_same_projects_in_the_language_asked(client, personas, ledger, lang, expected):
    response, content = fetch(client, personas.officer_north, "reporting:ledger_pdf", lang=lang)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")  # words wrap in cells
    for word in expected:
        assert word in text
    assert "南区冷链" not in text
    if lang == "en":
        assert ledger["plant"].reference in text and "Power connection" not in text


def test_unreadable_filters_are_named(client, personas, ledger):
    response, _content = fetch(client, personas.officer_north, "reporting:ledger_pdf", signed_from="yesterday")
    assert response.status_code == 400
    assert "signed_from" in response.json()["errors"]


def test_a_user_without_a_role_is_refused(client, personas, ledger):
    response, _content = fetch(client, personas.stranger, "reporting:ledger_xlsx")
    assert response.status_code == 403


def test_the_ledger_page_offers_it_with_the_filters_shown(client, personas, ledger, reference_data):
    client.force_login(personas.admin)
    page = client.get(reverse("projects:project_list"), {"sector": reference_data.ev.pk})
    html = page.content.decode()
    assert f"{reverse('reporting:ledger_pdf')}?sector={reference_data.ev.pk}" in html
    assert f"{reverse('reporting:ledger_xlsx')}?sector={reference_data.ev.pk}" in html
    # A filter change redraws only the table: the links are in that part, so they follow it.
    fragment = client.get(
        reverse("projects:project_list"),
        {"sector": reference_data.bio.pk},
        headers={"HX-Request": "true", "HX-Target": "ledger-table"},
    )
    assert f"{reverse('reporting:ledger_pdf')}?sector={reference_data.bio.pk}" in fragment.content.decode()
