"""Money: Decimal only, amounts in CNY, shown in the units readers use (亿元 / billions)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

YI = Decimal("100000000")  # 亿 = 10^8
WAN = Decimal("10000")  # 万 = 10^4
BILLION = Decimal("1000000000")
MILLION = Decimal("1000000")
CENT = Decimal("0.01")


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
