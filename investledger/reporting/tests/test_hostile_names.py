"""Every file the product writes, downloaded over HTTP with names an attacker chose and older rows
holding control characters: no cell is a formula, no download fails, and PDFs show markup as text.

The names are stored as they would be by an older version (straight into the database, past the
validator that now refuses control characters), which is the case outputs must survive.
"""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.urls import reverse
from PIL import Image

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area
from investledger.supervision.services import light_assess, report_submit
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def local_image(tmp_path):
    """A real image file on the server: a PDF must never read it because a name points at it."""
    path = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(path)
    return path


@pytest.fixture
def hostile(reference_data, local_image):
    ref = reference_data
    with clock.frozen_at(dt.date(2025, 3, 1)):
        formula = make_project(
            area=ref.north,
            sector=ref.ev,
            name="+SUM(1,2) plant",
            investor=make_investor("@investor"),
            value=Decimal("2500000000"),
            event=ref.event,
            signed_on=dt.date(2025, 3, 1),
            responsible_leader="-leader",
        )
        markup = make_project(
            area=ref.north_park,
            sector=ref.bio,
            name=f'<img src="{local_image}" width="40" height="40"/> <b>bold</b> base',
            value=Decimal("800000000"),
            event=ref.event,
            signed_on=dt.date(2025, 3, 1),
            description="<b>not bold</b>",
        )
    with clock.frozen_at(TODAY), audit_context(source="test"):
        report_submit(
            project=formula,
            period=dt.date(2026, 10, 1),
            funds_in_place_cny=Decimal("100000000"),
            investment_completed_cny=Decimal("100000000"),
            narrative='=HYPERLINK("http://example.org","x")',
        )
        light_assess(project=markup)
    # What an older version let in: control characters and a formula in reference names.
    Area.objects.filter(pk=ref.north.pk).update(name=FORMULA, name_en=FORMULA + "\x0b")
    Area.objects.filter(pk=ref.north_park.pk).update(
        name=f'<img src="{local_image}"/>\x0b园区', name_en=f'<img src="{local_image}"/> <b>Park</b>\x85'
    )
    Investor.objects.filter(pk=formula.investor_id).update(name="@investor\x0b", name_en="")
    Project.objects.filter(pk=markup.pk).update(name=markup.name + "\x1b")
    return {"formula": formula, "markup": markup}


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


def download(client, user, url, **params) -> bytes:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_formula(content: bytes) -> list:
    """Every text cell of every sheet; fails on any formula cell or <f> element."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(PREFIXES):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name), name
    assert not any("\x0b" in t or "\x85" in t or "\x1b" in t for t in texts)
    return texts


XLSX_DOWNLOADS = [
    ("intake:template", {"args": ["signings"]}, {}),
    ("intake:template", {"args": ["progress"]}, {}),
    ("intake:export_ledger", {}, {}),
    ("intake:export_progress", {}, {}),
    ("reporting:export_xlsx", {}, {}),
    ("reporting:monthly_report", {}, {"format": "xlsx", "lang": "en", "period": "2026-11"}),
    ("reporting:monthly_report", {}, {"format": "xlsx", "lang": "zh-hans", "period": "2026-11"}),
    ("reporting:ledger_xlsx", {}, {"lang": "en"}),
    ("reporting:ledger_xlsx", {}, {"lang": "zh-hans"}),
]


@pytest.mark.parametrize("name,kwargs,params", XLSX_DOWNLOADS, ids=lambda v: str(v))
def test_no_workbook_holds_a_formula_or_a_control_character(client, personas, hostile, name, kwargs, params):
    content = download(client, personas.admin, reverse(name, **kwargs), **params)
    texts = assert_no_formula(content)
    if kwargs.get("args") != ["progress"]:  # the progress template lists no names
        assert any(t.startswith(("=", "+", "@", "-", "<img")) for t in texts)  # the hostile names are in it


def test_the_ledger_export_keeps_the_names_exactly_and_amounts_as_numbers(client, personas, hostile):
    content = download(client, personas.admin, reverse("intake:export_ledger"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    row = rows[hostile["formula"].reference]
    assert row[1].value == "+SUM(1,2) plant" and row[1].data_type == "s"
    assert row[2].value == "@investor"  # the control character is dropped, the name kept
    assert row[3].value == FORMULA
    assert row[5].data_type == "n" and row[5].value == 25  # 亿元


def test_the_monthly_report_names_a_hostile_area_as_text(client, personas, hostile, reference_data):
    content = download(
        client,
        personas.admin,
        reverse("reporting:monthly_report"),
        format="xlsx",
        lang="en",
        period="2026-11",
        area=reference_data.north.pk,
    )
    texts = assert_no_formula(content)
    assert any(FORMULA in t for t in texts)


def test_the_csv_export_neutralises_formulas_and_keeps_negative_numbers_numeric(client, personas, hostile):
    Project.objects.filter(pk=hostile["markup"].pk).update(outside_value_cny=Decimal("-5.00"))
    text = download(client, personas.admin, reverse("reporting:export_csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    formulas = [c for c in cells if c.startswith(PREFIXES) and not number(c)]
    assert formulas == []
    assert "'+SUM(1,2) plant" in cells and "'@investor" in cells and "'" + FORMULA in cells
    assert "-5.00" in cells  # a negative amount stays a number
    assert not any("\x0b" in c or "\x1b" in c for c in cells)


def number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def pdf_facts(content: bytes) -> tuple[str, int]:
    """(the text of every page, the number of images the PDF holds)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return text, images


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_monthly_pdf_shows_markup_in_names_as_text_and_reads_no_file(
    client, personas, hostile, reference_data, lang
):
    content = download(
        client,
        personas.admin,
        reverse("reporting:monthly_report"),
        format="pdf",
        lang=lang,
        period="2026-11",
        area=reference_data.north_park.pk,
    )
    text, images = pdf_facts(content)
    assert images == 0
    assert '<img src="' in text and "secret.png" in text
    if lang == "en":
        assert "<b>Park</b>" in text


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_printable_ledger_pdf_shows_markup_in_names_as_text_and_reads_no_file(client, personas, hostile, lang):
    content = download(client, personas.admin, reverse("reporting:ledger_pdf"), lang=lang)
    text, images = pdf_facts(content)
    assert images == 0
    assert "<b>bold</b> base" in text and "secret.png" in text
    assert "+SUM(1,2) plant" in text
