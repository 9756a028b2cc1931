"""Reading cell values as people write them: amounts with units and currencies, dates in several forms.

Every parser returns a value or raises `CellError` with a message meant for the person who filled
the sheet ("not a number", "unknown currency HK¥"). Money is Decimal from the first character on:
floats from Excel are read through their shortest repr so 12.3 stays 12.3.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from investledger.core.money import AMOUNT_MAX, BILLION, MILLION, WAN, YI, amount_limits
from investledger.core.validators import describe, find_control


class CellError(ValueError):
    """A cell that cannot be read; the message names what is wrong with it."""


UNITS: dict[str, Decimal] = {
    "亿元": YI,
    "亿": YI,
    "千万元": Decimal("10000000"),
    "千万": Decimal("10000000"),
    "百万元": MILLION,
    "百万": MILLION,
    "万元": WAN,
    "万": WAN,
    "元": Decimal("1"),
    "billion": BILLION,
    "bn": BILLION,
    "b": BILLION,
    "million": MILLION,
    "mn": MILLION,
    "mln": MILLION,
    "m": MILLION,
    "thousand": Decimal("1000"),
    "k": Decimal("1000"),
    "yuan": Decimal("1"),
}

# Longest first so that "HK$" wins over "$" and "港元" over "元".
CURRENCY_WORDS: list[tuple[str, str]] = sorted(
    [
        ("人民币", "CNY"),
        ("rmb", "CNY"),
        ("cny", "CNY"),
        ("¥", "CNY"),
        ("￥", "CNY"),
        ("us$", "USD"),
        ("usd", "USD"),
        ("美元", "USD"),
        ("美金", "USD"),
        ("$", "USD"),
        ("hk$", "HKD"),
        ("hkd", "HKD"),
        ("港元", "HKD"),
        ("港币", "HKD"),
        ("eur", "EUR"),
        ("€", "EUR"),
        ("欧元", "EUR"),
        ("jpy", "JPY"),
        ("日元", "JPY"),
        ("gbp", "GBP"),
        ("£", "GBP"),
        ("英镑", "GBP"),
    ],
    key=lambda pair: -len(pair[0]),
)
CURRENCIES = {"CNY", "USD", "HKD", "EUR", "JPY", "GBP"}

APPROXIMATE_WORDS = (
    "约",
    "大约",
    "近",
    "超",
    "超过",
    "以上",
    "余",
    "多",
    "about",
    "approx.",
    "approx",
    "over",
    "around",
    "~",
)

# A number as sheets write it: 1,250.5, .5, and the exponent form spreadsheets use for large or
# small numbers (1E+26, 1.5e-3).
_NUMBER = re.compile(r"(?:[-+]?\d[\d,，]*(?:\.\d+)?|[-+]?\.\d+)(?:e[-+]?\d+)?")


@dataclass(frozen=True)
class Unit:
    """What a column header says about the amounts below it."""

    multiplier: Decimal | None = None
    currency: str | None = None


def unit_from_header(header: str) -> Unit:
    """The unit and currency written in a header: "签约额（亿元）", "Amount (US$ million)"."""
    text = header.lower()
    currency = _find_currency(text)
    # Units are looked for inside brackets first ("总投资(万元)"), then anywhere in the text.
    parts = re.findall(r"[（(\[【](.*?)[)）\]】]", text) + [text]
    for part in parts:
        multiplier = _find_unit(part, whole_words_only=part is text)
        if multiplier is not None:
            return Unit(multiplier, currency)
    return Unit(None, currency)


def _find_unit(text: str, *, whole_words_only: bool) -> Decimal | None:
    for word in sorted(UNITS, key=len, reverse=True):
        if re.fullmatch(r"[a-z]+", word):
            if len(word) <= 2 and whole_words_only:
                continue  # a lone "m" in a header is not a unit
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return UNITS[word]
        elif word in text:
            # "元" alone after a currency word ("美元") is part of the currency, not a unit.
            if word == "元" and not re.search(r"(?<![美港欧日])元", text):
                continue
            return UNITS[word]
    return None


def _find_currency(text: str) -> str | None:
    for word, code in CURRENCY_WORDS:
        if word.isascii() and word.isalpha():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return code
        elif word in text:
            return code
    return None


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str
    approximate: bool = False


_ONE = Decimal("1")
_CENT = Decimal("0.01")


EXCEL_DIGITS = 15  # significant digits a spreadsheet number holds


def decimal_from_cell(value) -> Decimal:
    """A cell's number as Decimal; Infinity and NaN are not numbers.

    A number cell (float) is read through its shortest repr, and to the 15 significant digits a
    spreadsheet keeps: 0.1 + 0.2 computed in Excel (0.30000000000000004) is 0.3, as Excel shows it.
    """
    if isinstance(value, bool):
        raise CellError(_("not a number"))
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number.is_finite() and len(number.as_tuple().digits) > EXCEL_DIGITS:
            number = number.quantize(Decimal(1).scaleb(number.adjusted() - EXCEL_DIGITS + 1), ROUND_HALF_UP)
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).replace(",", "").replace("，", "").strip())
        except (InvalidOperation, ValueError):
            raise CellError(_("not a number")) from None
    if not number.is_finite():
        raise CellError(_("not a number"))
    return number


def parse_amount(value, unit: Unit, default_currency: str = "CNY") -> Amount | None:
    """An amount in its currency, in yuan (not in 亿): 3.5亿元 → Amount(350000000, CNY)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    currency = unit.currency or default_currency
    multiplier = unit.multiplier or _ONE
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = decimal_from_cell(value)
        approximate = False
    else:
        text = str(value).strip().lower().replace("\u00a0", " ")
        approximate = any(word in text for word in APPROXIMATE_WORDS)
        numbers = _NUMBER.findall(text)
        if not numbers:
            raise CellError(_("not a number"))
        if len(numbers) > 1:
            raise CellError(_("more than one number in %(text)s") % {"text": value})
        number = decimal_from_cell(numbers[0])
        rest = _NUMBER.sub(" ", text)
        found_currency = _find_currency(rest)
        if found_currency:
            currency = found_currency
        found_unit = _find_unit(rest, whole_words_only=False)
        if found_unit is not None:
            multiplier = found_unit
        leftover = rest
        for word, _code in CURRENCY_WORDS:
            leftover = leftover.replace(word, " ")
        for word in sorted(UNITS, key=len, reverse=True):
            leftover = re.sub(
                rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word), " ", leftover
            )
        for word in sorted(APPROXIMATE_WORDS, key=len, reverse=True):
            leftover = leftover.replace(word, " ")
        leftover = re.sub(r"[\s.:：()（）]+", "", leftover)
        if leftover:
            raise CellError(_("cannot read %(text)s as an amount") % {"text": value})
    return Amount(checked_amount(number, multiplier), currency, approximate)


def checked_amount(number: Decimal, multiplier: Decimal) -> Decimal:
    """`number` in a unit of `multiplier` yuan, as an amount in yuan within the one bound of money.

    Negative, past `AMOUNT_MAX` or finer than a cent are refused (`core.money`), with the figure
    as written in the sheet's unit.
    """
    if number < 0:
        raise CellError(_("an amount cannot be negative"))
    if number > AMOUNT_MAX / multiplier:
        raise CellError(
            _("%(value)s is more than the largest amount the ledger holds, %(limit)s yuan (%(limit_yi)s 亿元)")
            % {"value": _shown(number), **amount_limits()}
        )
    amount = number * multiplier
    if amount != amount.quantize(_CENT):
        raise CellError(
            _("%(value)s is finer than a cent: give the amount to the cent at most") % {"value": _shown(number)}
        )
    return amount.quantize(_CENT)


def _shown(number: Decimal) -> str:
    """A number as the sheet wrote it, without a float's exponent where plain digits read better."""
    return f"{number:f}" if -20 < number.adjusted() < 20 else str(number)


def parse_currency(value) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text.upper() in CURRENCIES:
        return text.upper()
    code = _find_currency(text.lower())
    if code is None:
        raise CellError(_("unknown currency %(text)s (use CNY, USD, HKD, EUR, JPY or GBP)") % {"text": text})
    return code


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: .*)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> dt.date | None:
    """A date from an Excel date, an Excel serial number or text: 2022-08-22, 2022/8/22, 2022年8月22日."""
    if value.__class__ is str:
        return _date_from_text(value)
    return _parse_date(value)


@functools.lru_cache(maxsize=4096)
def _date_from_text(value: str) -> dt.date | None:
    # A signing list repeats a handful of dates in thousands of rows: each spelling is read once.
    # (A refused spelling raises each time: exceptions are not cached.)
    return _parse_date(value)


def _parse_date(value) -> dt.date | None:
    if (
        value.__class__ is str
        and len(value) == 10
        and value[4] == value[7] == "-"
        and value.isascii()
        and (value[:4] + value[5:7] + value[8:]).isdigit()
    ):
        try:  # the usual spelling, 2022-08-22, without the patterns
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # the patterns below give the message
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day between 1954 and 2119 (CSV of a date cell)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("not a date"))
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise CellError(_("%(text)s is not a valid date") % {"text": text}) from None
    raise CellError(_("not a date (write 2022-08-22, 2022/8/22 or 2022年8月22日)"))


def parse_int(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = decimal_from_cell(re.sub(r"[人个名约余]", "", value) if isinstance(value, str) else value)
    if number != number.to_integral_value() or number < 0:
        raise CellError(_("not a whole number"))
    return int(number)


def text_of(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as ISO."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def normalise_key(text: str) -> str:
    """Case-, width- and space-insensitive key for matching names of areas, sectors and events."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return _KEY_NOISE.sub("", text)


_KEY_NOISE = re.compile(r"[\s·・\-_/()（）]+")


MULTILINE_FIELDS = frozenset({"description", "narrative", "problems"})  # keep line breaks and tabs


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with a cell's text holding a control character (`core.validators`), or None.

    Such a character is invisible in Excel and on a page, and breaks the workbooks and PDFs written
    from the ledger; the form and the API refuse it, and so does an import, naming row and column.
    """
    found = find_control(text, multiline=multiline)
    if found is None:
        return None
    return _("holds the control character %(character)s at character %(position)s: remove it") % {
        "character": describe(found.group()),
        "position": found.start() + 1,
    }
