"""Amounts past the one bound of money in a sheet: a row error naming row and column, never a crash.

Before the bound, 1E+26 (as Excel writes large numbers) or a 27-digit figure raised InvalidOperation
while the rows were checked: a traceback in `investledger import`, a server error on the page and a
batch left "validating" for ever. Now each such cell is an error of its row in the preview, and
nothing can be committed while it stands.
"""

import datetime as dt
import decimal
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from investledger.core import clock
from investledger.intake.kinds import signing
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, write_csv, write_xlsx
from investledger.intake.values import CellError, Unit, decimal_from_cell, parse_amount
from investledger.ledger.projects.models import Project
from investledger.supervision.models import ProgressReport
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

YI = Decimal("100000000")
AMOUNT_COLUMN = "签约额（亿元）"
PAST = "is more than the largest amount the ledger holds, 100,000,000,000,000 yuan (1,000,000 亿元)"

# (a cell of the 亿元 column as text, the row's message)
TEXT_BAD = [
    ("1e26", f"1E+26 {PAST}"),
    ("1E+26", f"1E+26 {PAST}"),
    ("1e400", f"1E+400 {PAST}"),
    ("1000001", f"1000001 {PAST}"),
    ("100000000000000000000000000", f"100000000000000000000000000 {PAST}"),
    ("Infinity", "not a number"),
    ("NaN", "not a number"),
    ("-1", "an amount cannot be negative"),
    ("1.00000000001", "1.00000000001 is finer than a cent: give the amount to the cent at most"),
]


def row_errors(batch) -> dict[int, list[tuple[str, str]]]:
    return {
        row.number: [(e["column"], e["message"]) for e in row.errors]
        for row in batch.rows.order_by("number")
        if row.errors
    }


def signing_sheet(tmp_path, amount, name="list.csv"):
    rows = [CHINESE_HEADER, ["好项目", "好企业", "北区", "生物医药", "2", "2022-08-22"]]
    rows.append(["坏项目", "坏企业", "北区", "生物医药", amount, "2022-08-22"])
    return (write_csv if name.endswith(".csv") else write_xlsx)(tmp_path / name, rows)


class TestReadingACell:
    @pytest.mark.parametrize("cell", [float("inf"), float("-inf"), float("nan"), "Infinity", "-inf", "NaN", "sNaN"])
    def test_infinity_and_nan_are_not_numbers(self, cell):
        with pytest.raises(CellError, match="not a number"):
            decimal_from_cell(cell)

    @pytest.mark.parametrize("cell", [1e26, 1e300, "1e26", "1E+400", 10**30])
    def test_an_amount_past_the_bound_is_refused_whatever_its_type(self, cell):
        with pytest.raises(CellError, match="more than the largest amount the ledger holds"):
            parse_amount(cell, Unit(YI))

    def test_the_bound_itself_is_an_amount(self):
        assert parse_amount("1000000", Unit(YI)).value == Decimal("100000000000000.00")
        assert parse_amount(1e6, Unit(YI)).value == Decimal("100000000000000.00")

    def test_an_amount_finer_than_a_cent_is_refused_not_rounded(self):
        with pytest.raises(CellError, match="finer than a cent"):
            parse_amount("12.345", Unit(Decimal("1")))
        assert parse_amount("12.34", Unit(Decimal("1"))).value == Decimal("12.34")

    def test_a_computed_excel_number_is_read_to_the_digits_excel_keeps(self):
        assert parse_amount(0.1 + 0.2, Unit(YI)).value == Decimal("30000000.00")
        assert parse_amount(1.1 * 3, Unit(YI)).value == Decimal("330000000.00")


class TestTheSigningImport:
    @pytest.mark.parametrize(("cell", "message"), TEXT_BAD)
    def test_a_bad_amount_is_an_error_of_its_row_and_column(self, tmp_path, personas, reference_data, cell, message):
        path = signing_sheet(tmp_path, cell)
        batch = import_file(path, personas.officer_north, event=reference_data.event)
        assert batch.status == ImportBatch.Status.VALIDATED
        assert row_errors(batch) == {3: [(AMOUNT_COLUMN, message)]}
        assert not Project.objects.exists()

    @pytest.mark.parametrize(
        ("cell", "message"),
        [(1e26, f"1E+26 {PAST}"), (1e300, f"1E+300 {PAST}"), (-1.5, "an amount cannot be negative")],
    )
    def test_a_bad_number_cell_of_a_workbook_is_an_error_of_its_row(
        self, tmp_path, personas, reference_data, cell, message
    ):
        path = signing_sheet(tmp_path, cell, name="list.xlsx")
        batch = import_file(path, personas.officer_north, event=reference_data.event)
        assert batch.status == ImportBatch.Status.VALIDATED
        assert row_errors(batch) == {3: [(AMOUNT_COLUMN, message)]}
        assert not Project.objects.exists()

    def test_outside_money_and_fixed_assets_are_bounded_too(self, tmp_path, personas, reference_data):
        header = [*CHINESE_HEADER, "引资额（亿元）", "固定资产投资（亿元）"]
        rows = [header, ["项目", "企业", "北区", "生物医药", "2", "2022-08-22", "1e26", "Infinity"]]
        batch = import_file(write_csv(tmp_path / "extra.csv", rows), personas.officer_north, event=reference_data.event)
        assert row_errors(batch) == {2: [("引资额（亿元）", f"1E+26 {PAST}"), ("固定资产投资（亿元）", "not a number")]}
        assert not Project.objects.exists()

    def test_a_foreign_amount_past_the_bound_once_converted_is_an_error_of_its_row(
        self, tmp_path, personas, reference_data
    ):
        from investledger.intake.models import ExchangeRate

        ExchangeRate.objects.create(currency="USD", rate=Decimal("7.1"), date=dt.date(2022, 8, 1))
        header = ["项目名称", "投资方", "所在区域", "产业领域", "签约额（亿美元）", "签约日期"]
        rows = [header, ["美元项目", "美国企业", "北区", "生物医药", "200000", "2022-08-22"]]
        batch = import_file(write_csv(tmp_path / "usd.csv", rows), personas.officer_north, event=reference_data.event)
        [(column, message)] = row_errors(batch)[2]
        assert column == "签约额（亿美元）"
        assert "At 7.1 CNY per unit, 20,000,000,000,000 is 142,000,000,000,000 yuan: more than the largest" in message
        assert not Project.objects.exists()

    def test_the_upload_page_shows_the_row_error_and_nothing_can_be_committed(
        self, client, tmp_path, personas, reference_data
    ):
        path = signing_sheet(tmp_path, "1e26")
        client.force_login(personas.officer_north)
        with open(path, "rb") as fh:
            response = client.post(
                reverse("intake:index"), {"file": fh, "kind": "signings", "event": reference_data.event.pk}
            )
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        form = {f"col_{i}": field for i, field in batch.mapping.items()}
        assert client.post(reverse("intake:batch_mapping", args=[batch.pk]), form).status_code == 302
        page = client.get(reverse("intake:batch_detail", args=[batch.pk]))
        assert page.status_code == 200
        assert f"row 3, column {AMOUNT_COLUMN}: 1E+26 {PAST}" in page.content.decode()
        batch.refresh_from_db()
        assert (batch.status, batch.error_count) == (ImportBatch.Status.VALIDATED, 1)
        client.post(reverse("intake:batch_commit", args=[batch.pk]))
        assert not Project.objects.exists()

    def test_a_check_that_fails_unexpectedly_ends_the_batch_failed_not_validating(
        self, tmp_path, personas, reference_data, monkeypatch
    ):
        def fails(self, number, cells):
            raise decimal.InvalidOperation([decimal.InvalidOperation])

        monkeypatch.setattr(signing.RowChecker, "parse", fails)
        batch = import_file(signing_sheet(tmp_path, "2"), personas.officer_north, event=reference_data.event)
        assert batch.status == ImportBatch.Status.FAILED
        assert batch.message.startswith("Checking stopped at row 2 (")
        assert "nothing was imported" in batch.message
        assert not batch.rows.exists() and not Project.objects.exists()


class TestTheProgressImport:
    HEADER = ["项目编号", "项目名称", "填报期", "到位资金（万元）", "完成投资（万元）"]
    PAST_WAN = "is more than the largest amount the ledger holds, 100,000,000,000,000 yuan (1,000,000 亿元)"

    @pytest.mark.parametrize(
        ("cell", "message"),
        [
            ("1e26", f"1E+26 {PAST}"),
            ("1e400", f"1E+400 {PAST}"),
            ("10000000001", f"10000000001 {PAST}"),
            ("Infinity", "not a number"),
            ("NaN", "not a number"),
            ("-1", "an amount cannot be negative"),
            ("1.0000001", "1.0000001 is finer than a cent: give the amount to the cent at most"),
        ],
    )
    def test_a_bad_amount_is_an_error_of_its_row_and_column_through_the_page(
        self, client, tmp_path, personas, reference_data, cell, message
    ):
        project = make_project(area=reference_data.north, sector=reference_data.ev, name="北区电池工厂")
        rows = [self.HEADER, [project.reference, "", "2024-05", cell, "1"]]
        path = write_csv(tmp_path / "progress.csv", rows)
        client.force_login(personas.officer_north)
        with clock.frozen_at(dt.date(2024, 6, 15)):
            with open(path, "rb") as fh:
                response = client.post(reverse("intake:index"), {"file": fh, "kind": "progress"})
            assert response.status_code == 302
            batch = ImportBatch.objects.get()
            form = {f"col_{i}": field for i, field in batch.mapping.items()}
            assert client.post(reverse("intake:batch_mapping", args=[batch.pk]), form).status_code == 302
            page = client.get(reverse("intake:batch_detail", args=[batch.pk]))
        assert f"row 2, column 到位资金（万元）: {message}" in page.content.decode()
        batch.refresh_from_db()
        assert (batch.status, batch.error_count) == (ImportBatch.Status.VALIDATED, 1)
        assert not ProgressReport.objects.exists()


class TestTheCommand:
    """`investledger import` ends in a CommandError, which the command line prints as one line
    ("CommandError: ...") with exit status 1, never a traceback."""

    @pytest.mark.parametrize("name", ["list.csv", "list.xlsx"])
    def test_it_prints_the_row_error_and_exits_non_zero_without_a_traceback(
        self, tmp_path, personas, reference_data, name
    ):
        path = signing_sheet(tmp_path, 1e26 if name.endswith(".xlsx") else "1e26", name=name)
        args = [str(path), "--kind", "signings", "--event", "测试签约会", "--user", "officer_north", "--commit"]
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("import", *args, stdout=out, stderr=err)
        assert refused.value.returncode == 1
        assert str(refused.value).startswith("1 errors: correct the file") and "Nothing was written." in str(
            refused.value
        )
        assert f"error: row 3, column {AMOUNT_COLUMN}: 1E+26 {PAST}" in out.getvalue()
        assert "Traceback" not in out.getvalue() + err.getvalue()
        assert not Project.objects.exists()
        assert ImportBatch.objects.get().status == ImportBatch.Status.VALIDATED
