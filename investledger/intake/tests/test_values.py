"""Amounts and dates as people write them in signing lists."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.intake.kinds import signing_rules
from investledger.intake.values import CellError, Unit, parse_amount, parse_date, unit_from_header

YI = unit_from_header("签约额（亿元）")


@pytest.mark.parametrize(
    ("cell", "unit", "value", "currency"),
    [
        (12.5, YI, "1250000000.00", "CNY"),
        (12.5, unit_from_header("总投资(万元)"), "125000.00", "CNY"),
        (12.5, unit_from_header("Contract value (CNY million)"), "12500000.00", "CNY"),
        (3, unit_from_header("Investment (US$ billion)"), "3000000000.00", "USD"),
        ("RMB 1.2 billion", Unit(), "1200000000.00", "CNY"),
        ("3.5亿元", Unit(), "350000000.00", "CNY"),
        ("US$ 200 million", YI, "200000000.00", "USD"),
        ("HK$ 5亿", Unit(), "500000000.00", "HKD"),
        ("1,250", unit_from_header("签约额（万元）"), "12500000.00", "CNY"),
        ("8000万元", YI, "80000000.00", "CNY"),
        ("2亿美元", Unit(), "200000000.00", "USD"),
    ],
)
def test_it_reads_amounts_with_units_and_currencies(cell, unit, value, currency):
    amount = parse_amount(cell, unit)
    assert amount.value == Decimal(value)
    assert amount.currency == currency


def test_it_marks_approximate_amounts():
    assert parse_amount("约10亿元", Unit()).approximate is True
    assert parse_amount("10亿元", Unit()).approximate is False


def test_it_keeps_decimal_precision_of_excel_floats():
    assert parse_amount(0.1 + 0.2, YI).value == Decimal("30000000.00")
    assert parse_amount(21.21, YI).value == Decimal("2121000000.00")


@pytest.mark.parametrize("cell", ["abc", "12,5 apples", "1亿 2亿", True])
def test_it_refuses_what_is_not_an_amount(cell):
    with pytest.raises(CellError):
        parse_amount(cell, YI)


def test_it_refuses_negative_amounts():
    with pytest.raises(CellError, match="negative"):
        parse_amount(-3, YI)


@pytest.mark.parametrize(
    "cell",
    [
        "2022-08-22",
        "2022/8/22",
        "2022年8月22日",
        "2022.8.22",
        "20220822",
        dt.datetime(2022, 8, 22, 9, 30),
        dt.date(2022, 8, 22),
        44795,
    ],
)
def test_it_reads_dates_in_several_forms(cell):
    assert parse_date(cell) == dt.date(2022, 8, 22)


@pytest.mark.parametrize("cell", ["2022-02-30", "next week", "22/8/2022"])
def test_it_refuses_what_is_not_a_date(cell):
    with pytest.raises(CellError):
        parse_date(cell)


def test_usual_project_values_pass_the_quick_field_tests_without_the_fields_clean():
    from investledger.ledger.projects.choices import AgreementType, Stage

    usual = {
        "name": "智能制造基地",
        "agreement_type": AgreementType.CONTRACT,
        "currency": "CNY",
        "contract_value": Decimal("350000000.00"),
        "fx_rate": Decimal("1"),
        "contract_value_cny": Decimal("350000000.00"),
        "value_approximate": False,
        "planned_jobs": 120,
        "planned_start": dt.date(2023, 1, 15),
        "stage": Stage.SIGNED,
        "description": "新建生产线",
    }
    quick = {name: test for name, _field, test in signing_rules.rules()}
    for name, value in usual.items():
        assert quick[name](value), name
    assert not quick["stage"]("not-a-stage")
    assert not quick["contract_value"](Decimal("-1"))
    assert not quick["name"]("名" * 1000)
