"""The CSV export written by PostgreSQL's COPY is the CSV the ORM's rows make, byte for byte.

The cells that make a difference are stored straight into the database, past the validators, as an
older version or an import might have left them: every formula prefix, control characters, quotes,
commas and line breaks inside a cell, an undisclosed amount, empty and missing values.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from investledger.core import spreadsheets
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import SideState
from investledger.ledger.projects.filtersets import ProjectFilterSet
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector
from investledger.reporting import exports

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


@pytest.fixture
def hostile_ledger(ledger, reference_data):
    """The ledger with a hostile name in every project and reference name it shows."""
    names = {ledger.n1: "=1+1", ledger.n2: "+SUM(1,2)", ledger.n3: "-2", ledger.s1: "@cmd"}
    for project, name in names.items():
        Project.objects.filter(pk=project.pk).update(name=name)
    Project.objects.filter(pk=ledger.s2.pk).update(name="\x0b=hidden\x1b after a control character")
    Project.objects.filter(pk=ledger.n2.pk).update(value_undisclosed=True, outside_value_cny=Decimal("-5.00"))
    Project.objects.filter(pk=ledger.s1.pk).update(side_state=SideState.TERMINATED)
    Investor.objects.filter(pk=ledger.n1.investor_id).update(name="@investor\x85")
    Investor.objects.filter(pk=ledger.n3.investor_id).update(name="\tTabbed")
    Area.objects.filter(pk=ledger.s1.host_area_id).update(name="-South\r\n", code="=S")
    Sector.objects.filter(pk=reference_data.food.pk).update(name="\rReturned")
    Sector.objects.filter(pk=reference_data.ev.pk).update(name='"quoted", with comma')
    SigningEvent.objects.filter(pk=ledger.event.pk).update(name="two\nlines")
    return ledger


def generic_csv(queryset) -> bytes:
    return "".join(spreadsheets.csv_lines(exports.rows(queryset))).encode("utf-8")


def copy_csv(queryset) -> bytes:
    return b"".join(exports.copy_csv_stream(queryset))


def visible(user, **filters):
    return ProjectFilterSet(filters, queryset=Project.objects.visible_to(user)).qs


def downloaded_rows(client, user, **filters) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse("reporting:export_csv"), filters)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@postgresql_only
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_copy_csv_is_byte_for_byte_the_generic_csv(hostile_ledger, personas, lang):
    with translation.override(lang):
        for user in (personas.admin, personas.officer_north, personas.officer_south):
            queryset = visible(user)
            assert copy_csv(queryset) == generic_csv(queryset), user


@postgresql_only
def test_the_copy_csv_is_the_generic_csv_with_filters(hostile_ledger, personas, reference_data):
    queryset = visible(personas.admin, sector=reference_data.food.pk)
    assert queryset.count() == 2
    assert copy_csv(queryset) == generic_csv(queryset)


@postgresql_only
def test_a_client_leaving_early_cancels_the_copy_and_the_connection_stays_usable(hostile_ledger, personas):
    stream = exports.copy_csv_stream(visible(personas.admin))
    next(stream)  # the heading
    next(stream)  # the rows: the COPY is running
    stream.close()
    assert Project.objects.count() == 5


def test_the_downloaded_csv_neutralises_every_formula_prefix(client, hostile_ledger, personas):
    cells = [cell for row in downloaded_rows(client, personas.admin) for cell in row]
    for name in ["=1+1", "+SUM(1,2)", "-2", "@cmd", "\tTabbed", "\rReturned"]:
        assert "'" + name in cells and name not in cells
    assert "'=hidden after a control character" in cells
    assert "'@investor" in cells and "'-South\r\n" in cells and "'=S" in cells
    assert '"quoted", with comma' in cells and "two\nlines" in cells
    assert "-5.00" in cells  # a negative amount is a number, not text to neutralise


def test_an_undisclosed_amount_is_an_empty_cell(client, hostile_ledger, personas):
    rows = downloaded_rows(client, personas.admin)
    heading = rows[0]
    row = next(r for r in rows[1:] if r[0] == hostile_ledger.n2.reference)
    assert row[heading.index("Contract investment")] == "" and row[heading.index("Contract investment (CNY)")] == ""
    assert row[heading.index("Amount undisclosed")] == "yes"


def test_a_district_officers_csv_holds_only_their_district(client, hostile_ledger, personas):
    for user in (personas.officer_north, personas.officer_south):
        references = {row[0] for row in downloaded_rows(client, user)[1:]}
        assert references == set(Project.objects.visible_to(user).values_list("reference", flat=True))
        assert references < set(Project.objects.values_list("reference", flat=True))


def test_the_filters_narrow_the_officers_csv(client, hostile_ledger, personas, reference_data):
    rows = downloaded_rows(client, personas.officer_north, sector=reference_data.food.pk)
    assert [row[0] for row in rows[1:]] == [hostile_ledger.n3.reference]


def test_the_csv_speaks_the_readers_language(client, hostile_ledger, personas):
    with translation.override("zh-hans"):
        heading, stage, yes = str(exports.columns()[0][1]), str(exports.Stage.STARTED.label), str(exports._("yes"))
    client.force_login(personas.admin)
    response = client.get(reverse("reporting:export_csv"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == heading != "Reference"
    n1 = next(r for r in rows[1:] if r[0] == hostile_ledger.n1.reference)
    assert stage in n1 and yes != "yes" and yes in n1


@postgresql_only
@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_the_workbook_reads_the_same_rows_through_copy(hostile_ledger, personas, lang):
    with translation.override(lang):
        for user in (personas.admin, personas.officer_south):
            queryset = visible(user, stage=["started"]) if user == personas.admin else visible(user)
            copied, generic = list(exports.copy_rows(queryset)), list(exports.rows(queryset))
            assert copied == generic and len(generic) > 1
            amounts = [cell for row in copied[1:] for cell in row if isinstance(cell, Decimal)]
            assert amounts and all(cell.as_tuple().exponent == -2 for cell in amounts)  # exact, to the cent


def test_the_workbook_holds_the_readers_rows_with_amounts_as_numbers(client, hostile_ledger, personas):
    client.force_login(personas.officer_north)
    response = client.get(reverse("reporting:export_xlsx"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    heading = list(rows[0])
    assert {row[0] for row in rows[1:]} == set(
        Project.objects.visible_to(personas.officer_north).values_list("reference", flat=True)
    )
    n1 = next(row for row in rows[1:] if row[0] == hostile_ledger.n1.reference)
    assert n1[heading.index("Project name")] == "=1+1"  # kept as stored, marked as text in the cell
    assert isinstance(n1[heading.index("Contract investment (CNY)")], (int, float, Decimal))
