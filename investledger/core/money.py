"""Money: Decimal only, amounts in CNY, shown in the units readers use (亿元 / billions).

The one bound of money
----------------------
Every amount is stored in yuan in a `DecimalField(max_digits=20, decimal_places=2)` (`MONEY_FIELD`):
the field could hold up to 10^18 yuan, to the cent. The ledger accepts at most `AMOUNT_MAX` =
10^14 yuan (1,000,000 亿元, RMB 100,000 bn), to the cent and never negative. That is thousands of
times the largest real project (a few hundred 亿元), and leaves room for totals: 9,999
amounts at the bound still sum within the field. Exchange rates (CNY per unit of a currency,
`RATE_FIELD`) are accepted up to `RATE_MAX` = 10,000, to six decimals.

`amount_problem` / `rate_problem` say what is wrong with a value (not a number, negative, past the
bound, finer than the field keeps); the model validators (`AmountValidator`, `RateValidator`), the
form fields, the API's decimal fields and the sheet imports all ask them, so the same value is
refused the same way wherever it is typed, and nothing past the bound reaches arithmetic or the
database.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

YI = Decimal("100000000")  # 亿 = 10^8
WAN = Decimal("10000")  # 万 = 10^4
BILLION = Decimal("1000000000")
MILLION = Decimal("1000000")
CENT = Decimal("0.01")

MONEY_FIELD = {"max_digits": 20, "decimal_places": 2}  # every stored amount, in yuan
AMOUNT_MAX = Decimal("100000000000000")  # 10^14 yuan = 1,000,000 亿元 = RMB 100,000 bn
RATE_FIELD = {"max_digits": 14, "decimal_places": 6}  # CNY per unit of a currency
RATE_MAX = Decimal("10000")

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def convert_to_cny(amount: Decimal, rate: Decimal) -> Decimal:
    return quantize(amount * rate)


def grouped(value: Decimal) -> str:
    """A bound written for people: 100000000000000 → "100,000,000,000,000"."""
    return f"{value.normalize():,f}"


@dataclass(frozen=True)
class Problem:
    """What is wrong with a value: a code, and a message to fill with `params`."""

    code: str
    message: "str | _StrPromise"
    params: dict

    def __str__(self) -> str:
        return str(self.message) % self.params

    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code, params=self.params)


MESSAGES = {
    "invalid": _("%(value)s is not a number."),
    "negative": _("An amount cannot be negative."),
    "rate_negative": _("An exchange rate cannot be negative."),
    "amount_too_large": _(
        "%(value)s is more than the largest amount the ledger holds, %(limit)s yuan (%(limit_yi)s 亿元, RMB %(limit_bn)s bn)."
    ),
    "amount_too_fine": _("%(value)s has more than 2 decimal places: give the amount to the cent."),
    "rate_too_large": _("%(value)s is more than the largest exchange rate the ledger holds, %(limit)s CNY per unit."),
    "rate_too_fine": _("%(value)s has more than 6 decimal places: give the rate to 6 decimals at most."),
}


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0  # a finite value's is an int


def _problem(code: str, value, **params) -> Problem:
    return Problem(code, MESSAGES[code], {"value": value, **params})


def amount_limits() -> dict:
    """The bound in the three units people read: yuan, 亿元, RMB bn."""
    return {
        "limit": grouped(AMOUNT_MAX),
        "limit_yi": grouped(AMOUNT_MAX / YI),
        "limit_bn": grouped(AMOUNT_MAX / BILLION),
    }


def amount_problem(value: Decimal, *, shown: str | None = None) -> Problem | None:
    """What keeps `value` (in yuan) from being an amount, or None: it is finite, 0 to `AMOUNT_MAX`, to the cent.

    `shown` is the value as the person wrote it (in their unit), for the message.
    """
    shown = str(value) if shown is None else shown
    if not isinstance(value, Decimal) or not value.is_finite():
        return _problem("invalid", shown)
    if value < 0:
        return _problem("negative", shown)
    if value > AMOUNT_MAX:
        return _problem("amount_too_large", shown, **amount_limits())
    if _places(value) > MONEY_FIELD["decimal_places"] and value != value.quantize(CENT):
        return _problem("amount_too_fine", shown)
    return None


def rate_problem(value: Decimal, *, shown: str | None = None) -> Problem | None:
    """What keeps `value` from being an exchange rate (CNY per unit), or None: finite, 0 to `RATE_MAX`, 6 decimals."""
    shown = str(value) if shown is None else shown
    if not isinstance(value, Decimal) or not value.is_finite():
        return _problem("invalid", shown)
    if value < 0:
        return _problem("rate_negative", shown)
    if value > RATE_MAX:
        return _problem("rate_too_large", shown, limit=grouped(RATE_MAX))
    if _places(value) > RATE_FIELD["decimal_places"] and value != value.quantize(Decimal("0.000001")):
        return _problem("rate_too_fine", shown)
    return None


@deconstructible(path="investledger.core.money.AmountValidator")
class AmountValidator:
    """Model validator of every amount field: `amount_problem` as a ValidationError."""

    def __call__(self, value) -> None:
        problem = amount_problem(value)
        if problem is not None:
            raise problem.error()

    def __eq__(self, other) -> bool:
        return isinstance(other, AmountValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="investledger.core.money.RateValidator")
class RateValidator:
    """Model validator of every exchange-rate field: `rate_problem` as a ValidationError."""

    def __call__(self, value) -> None:
        problem = rate_problem(value)
        if problem is not None:
            raise problem.error()

    def __eq__(self, other) -> bool:
        return isinstance(other, RateValidator)

    def __hash__(self) -> int:
        return hash(type(self))
