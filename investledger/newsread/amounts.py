"""Money amounts and counts as press releases write them, in English and Chinese, with their spans.

"RMB212.1 billion", "16.8 billion RMB ($2.5 billion)", "one billion RMB", "Rs 2,000 crore",
"120亿元", "一百二十亿元", "5亿美元", "100余亿元"; counts such as "70 business projects",
"seven Hong Kong-funded projects", "签约项目45个", "58个项目". Each is found with the exact
character span it came from and the hedge that qualifies it (about, over, 约, 余...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
SCALES = {
    "trillion": 1e12,
    "lakh crore": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "crore": 1e7,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "lakh": 1e5,
    "thousand": 1e3,
}
CURRENCIES = {
    "rmb": "CNY",
    "cny": "CNY",
    "cn¥": "CNY",
    "rmb¥": "CNY",
    "¥": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "us dollars": "USD",
    "dollars": "USD",
    "hk$": "HKD",
    "hkd": "HKD",
    "hong kong dollars": "HKD",
    "eur": "EUR",
    "€": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "jpy": "JPY",
    "yen": "JPY",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "₹": "INR",
    "rupees": "INR",
    "aed": "AED",
    "dirhams": "AED",
    "dirham": "AED",
    "sar": "SAR",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}
ZH_UNITS = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = r"(?:" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
_PRE = r"(?:RMB¥|RMB|Rmb|rmb|CNY|CN¥|¥|US\$|USD|HK\$|HKD|EUR|€|£|GBP|JPY|Rs\.?|INR|₹|AED|SAR|\$)"
_SCALE = r"(?:trillion|lakh crore|billion|crore|million|lakh|thousand|bn|mn|b(?![a-z])|m(?![a-z]))"
_POST = r"(?:yuan|RMB|Rmb|CNY|renminbi|US dollars|Hong Kong dollars|dollars|USD|euros?|EUR|HKD|rupees|INR|dirhams?|AED|pounds|yen)"

EN_MONEY = re.compile(
    rf"(?P<pre>{_PRE})\s?(?P<num>{_NUM}|{_WORD})(?:\s?-?(?P<scale>{_SCALE}))?(?:\s(?P<post1>{_POST})\b)?"
    rf"|\b(?P<num2>{_NUM}|{_WORD})\s?-?(?P<scale2>{_SCALE})?\s(?P<post>{_POST})\b"
    rf"|\b(?P<num3>{_NUM}|{_WORD})\s?(?P<scale3>trillion|billion|million|bn|crore)\b",
    re.IGNORECASE,
)
_ZNUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
ZH_MONEY = re.compile(
    rf"(?P<pre>人民币|美元|港元|港币|欧元)?(?P<num>{_ZNUM})(?P<more>余|多)?(?P<unit>万亿|千亿|百亿|亿|千万|百万|万)?"
    rf"(?P<cur>元人民币|美元|港元|港币|欧元|日元|英镑|元)"
    rf"|(?P<num2>{_ZNUM})(?P<more2>余|多)?(?P<unit2>万亿|亿)(?![人次个件吨只平方千瓦度台套辆股户])"
)
EN_COUNT = re.compile(
    rf"\b(?P<num>\d{{1,4}}|(?i:{_WORD}))\s+(?:(?!of\b)(?:[A-Za-z-]+\s+){{0,3}}?)"
    r"(?P<noun>business projects|projects|companies|enterprises|investment opportunities|opportunities|deals|contracts|agreements)\b",
)
ZH_COUNT = re.compile(
    rf"(?P<num>{_ZNUM})(?P<more>余|多)?(?:个|家|项)(?:[\u4e00-\u9fa5]{{0,6}}?)(?P<noun>项目|企业|公司|机会)"
    rf"|(?P<noun2>项目|企业)(?:共|总数)?(?P<num2>{_ZNUM})(?P<more2>余|多)?(?:个|家|项)"
)
HEDGE_BEFORE = re.compile(
    r"(approx\.?|approximately|approximating|about|around|nearly|almost|close to|over|more than|above|no less than|not less than|at least|"
    r"exceeding|exceeds?|north of|up to|some|roughly|upwards of|in excess of|(?<![签合协条预公制节契邀履])约|近|超过|超|逾|达到|大约)\s*(?:a total of\s*|of\s*)?$",
    re.IGNORECASE,
)
HEDGE_WORDS = {
    "approx": "about",
    "approx.": "about",
    "approximately": "about",
    "approximating": "about",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "约": "about",
    "大约": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "近": "nearly",
    "up to": "up to",
}


# Cheap tests that let a sentence skip the full patterns above.
_MAYBE_EN_MONEY = re.compile(
    r"(?i)rmb|cny|yuan|renminbi|[$¥€£₹]|usd|hkd|eur|gbp|jpy|yen|\brs\b|inr|aed|sar|dollar|rupee|dirham|pound|billion|million|trillion|crore|lakh"
)
_MAYBE_ZH_MONEY = re.compile(r"[元亿]")
_MAYBE_EN_COUNT = re.compile(r"projects|companies|enterprises|opportunities|deals|contracts|agreements")
_MAYBE_ZH_COUNT = re.compile(r"[个家项]")


@dataclass
class Money:
    start: int
    end: int
    value: float
    currency: str | None  # None: no currency written ("81.3 billion")
    hedge: str | None


@dataclass
class Count:
    start: int
    end: int
    value: int
    noun: str
    hedge: str | None


def _en_number(text: str) -> float | None:
    low = text.lower()
    if low in WORD_NUMBERS:
        return float(WORD_NUMBERS[low])
    try:
        return float(low.replace(",", ""))
    except ValueError:
        return None


def zh_number(text: str) -> float | None:
    """一百二十 -> 120, 1.5 -> 1.5, 两 -> 2 (full-width digits too); None if not a number."""
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(text.replace("两", "二"), "normal"))
    except (ValueError, KeyError, TypeError):
        return None


def _hedge(text: str, start: int, after: str) -> str | None:
    m = HEDGE_BEFORE.search(text[max(0, start - 24) : start])
    if after in ("余", "多"):
        return "over"
    if m:
        word = m.group(1).lower()
        return HEDGE_WORDS.get(word, "over")
    return None


def find_money(text: str) -> list[Money]:
    """Every money amount in `text`, left to right, with its span."""
    found: list[Money] = []
    for m in EN_MONEY.finditer(text) if _MAYBE_EN_MONEY.search(text) else ():
        num = m.group("num") or m.group("num2") or m.group("num3")
        scale = (m.group("scale") or m.group("scale2") or m.group("scale3") or "").lower()
        value = _en_number(num)
        if value is None:
            continue
        if m.group("num3") is None and not scale and value < 1000:
            continue  # "RMB 5" alone is a price, not an investment
        cur_word = (m.group("pre") or m.group("post1") or m.group("post") or "").lower()
        currency = CURRENCIES.get(cur_word) if cur_word else None
        if cur_word in ("m", "b"):
            continue
        value = round(value * SCALES.get(scale, 1.0), 2)
        found.append(Money(m.start(), m.end(), value, currency, _hedge(text, m.start(), "")))
    for m in ZH_MONEY.finditer(text) if _MAYBE_ZH_MONEY.search(text) else ():
        num = m.group("num") or m.group("num2")
        value = zh_number(num)
        if value is None or (m.group("num2") and not m.group("num2")[0].isdigit() and len(num) < 1):
            continue
        unit = m.group("unit") or m.group("unit2") or ""
        value = round(value * ZH_UNITS.get(unit, 1.0), 2)
        cur = m.group("cur") or m.group("pre") or ""
        currency = CURRENCIES.get(cur.replace("元人民币", "元")) if cur else None
        if m.group("pre") and m.group("cur") == "元":
            currency = CURRENCIES[m.group("pre")]
        if value < 1000:
            continue
        found.append(
            Money(
                m.start(), m.end(), value, currency, _hedge(text, m.start(), m.group("more") or m.group("more2") or "")
            )
        )
    found.sort(key=lambda x: x.start)
    return found


def find_counts(text: str) -> list[Count]:
    """Counts of projects, companies and opportunities, with their spans."""
    found: list[Count] = []
    for m in EN_COUNT.finditer(text) if _MAYBE_EN_COUNT.search(text) else ():
        value = _en_number(m.group("num"))
        if value is None or value < 1 or 1900 <= value <= 2100 or (m.start() > 0 and text[m.start() - 1] in "$¥€£."):
            continue
        found.append(Count(m.start(), m.end(), int(value), m.group("noun").lower(), _hedge(text, m.start(), "")))
    for m in ZH_COUNT.finditer(text) if _MAYBE_ZH_COUNT.search(text) else ():
        num = m.group("num") or m.group("num2")
        value = zh_number(num)
        if value is None or value < 1:
            continue
        noun = m.group("noun") or m.group("noun2")
        more = m.group("more") or m.group("more2") or ""
        found.append(Count(m.start(), m.end(), int(value), noun, _hedge(text, m.start(), more)))
    found.sort(key=lambda x: x.start)
    return found
