"""The event a release reports: its name, date and place, each with its span."""

from __future__ import annotations

import re
from typing import Any

from investledger.newsread.names import PLACES_EN

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
EN_DATE = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>January|February|March|April|May|June|July|August|September|October|November|December)\b(?:,?\s+(?P<year2>(?:19|20)\d\d))?"
)
ZH_DATE = re.compile(r"(?:(?P<year>(?:19|20)\d\d)年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日")
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_TOKEN = r"[A-Z0-9“\"(][\w'’&().”\"-]*"
EN_EVENT = re.compile(
    rf"(?:{_TOKEN}\s){{0,9}}?(?:{_TOKEN}\s)?(?:Expo|Fair|Conference|Ceremony|Forum|Summit|Festival|Exhibition|Roadshow|Convention|InnoEX|SmartHK)\b(?:\s\d{{4}})?"
)
ZH_EVENT = re.compile(
    r"[《“]?(?P<name>[\u4e00-\u9fa5\d（）·]{2,30}?(?:博览会|交易会|洽谈会|推介会|签约仪式|签约大会|招商大会|大会|论坛|峰会|投资节|展览会|博鳌))[》”]?"
)
ZH_PLACE = re.compile(r"在(?P<place>[\u4e00-\u9fa5]{2,12}?)(?:举行|举办|召开|开幕)")
EN_PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>(?:[A-Z][\w'’-]*\s?){1,6})")
_LEAD = re.compile(r"^(?:(?:The|the|On|At|In|A|An|This|During|Under|At|Of)\s)+")


def _date(m: re.Match[str], default_year: int | None) -> str | None:
    if m.re is ZH_DATE:
        year, month, day = m.group("year"), int(m.group("month")), int(m.group("day"))
    else:
        month_name = (m.group("month") or m.group("month2") or "").lower().rstrip(".")
        month = MONTHS.get(month_name, 0)
        day = int(m.group("day") or m.group("day2"))
        year = m.group("year") or m.group("year2")
    y = int(year) if year else default_year
    if not y or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return f"{y:04d}-{month:02d}-{day:02d}"


def _field(value: str, start: int, end: int) -> dict[str, Any]:
    return {"value": value, "span": [start, end]}


def event_of(text: str) -> dict[str, Any]:
    """{"name", "date", "place"}: each {"value", "span"} or None."""
    default_year = _most_cited_year(text)
    name = None
    m_en = EN_EVENT.search(text)
    m_zh = ZH_EVENT.search(text)
    m = min((x for x in (m_en, m_zh) if x), key=lambda x: x.start(), default=None)
    around = (0, min(len(text), 600))
    if m is not None:
        if m.re is ZH_EVENT:
            name = _field(m.group("name"), m.start("name"), m.end("name"))
        else:
            lead = _LEAD.match(m.group(0))
            cut = lead.end() if lead else 0
            name = _field(m.group(0)[cut:], m.start() + cut, m.end())
        around = (max(0, m.start() - 200), min(len(text), m.end() + 300))
    date = None
    window = text[around[0] : around[1]]
    for regex in (ZH_DATE, EN_DATE):
        d = regex.search(window)
        if d and (value := _date(d, default_year)):
            date = _field(value, d.start() + around[0], d.end() + around[0])
            break
    place = None
    p = ZH_PLACE.search(window)
    if p:
        place = _field(p.group("place"), p.start("place") + around[0], p.end("place") + around[0])
    else:
        for p in EN_PLACE.finditer(window):
            words = p.group("place").split()
            if words and words[0] in PLACES_EN:
                value = " ".join(w for w in words[:3] if w in PLACES_EN) or words[0]
                start = p.start("place") + around[0]
                place = _field(value, start, start + len(value))
                break
    return {"name": name, "date": date, "place": place}


def year_of(event: dict[str, Any], text: str) -> int | None:
    """The year the document's amounts are converted at: the event's, else the most cited year near the top."""
    if event.get("date"):
        return int(event["date"]["value"][:4])
    return _most_cited_year(text)


def _most_cited_year(text: str) -> int | None:
    """The year cited most often in the first 3,000 characters; of years cited as often, the first
    cited (a set's order would make it change from one run of Python to the next)."""
    years = YEAR.findall(text[:3000])
    return int(max(dict.fromkeys(years), key=years.count)) if years else None
