"""Sentences and what a sentence says about money: conversions in brackets, exclusions, totals, kinds.

The words here decide what a figure is: a total ("a total of", 总投资, 合计), a size class ("54 projects
of over RMB 1 bn", 10亿元以上项目), something that is not an investment fact (GDP, trade, revenue,
targets, fund sizes, funds in place), and the kind of a deal or a batch.
"""

from __future__ import annotations

import re

from investledger.newsread.amounts import Money

_SPLIT = re.compile(
    r"(?<=[.!?])(?<!\bCo\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bSt\.)(?<!\bU\.S\.)\s+(?=[A-Z\"“‘(])"
    r"|(?<=[。！？；;])|\n+|\s\|\s"
)


def split(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, blank ones left out."""
    spans = []
    pos = 0
    for m in _SPLIT.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


EXCLUDE = re.compile(
    r"\bGDP\b|gross domestic|value[- ]added|\btrade\b|\bimports?\b|\bexports?\b|revenue|output value|\boutputs?\b|"
    r"\bsales\b|turnover|funds? (?:actually )?in place|actually (?:utili[sz]ed|used|received)|credit line|\bcredit\b|"
    r"\bloans?\b|\bfunds?\b[^.;]*\b(?:scale|size)\b|registered capital|\btargets?\b|\baims? to\b|\bstrive\b|\bgoal\b|transaction volume|\btax(?:es)?\b|market (?:size|value|cap)|"
    r"fund (?:size|of|with a (?:size|scale))|guidance fund|industrial fund|\bbudget\b|\bsubsid|\bspending\b|"
    r"生产总值|GDP|增加值|进出口|外贸|贸易|营收|营业收入|收入|产值|销售额|交易额|到位资金|实际到位|实际使用|授信|贷款|"
    r"目标|力争|预计实现|基金规模|引导基金|产业基金|税收|财政|预算|补贴|消费|"
    r"complet\w* (?:an )?investment|investment completed|完成投资|完成固定资产投资|预计完成|实际完成",
    re.IGNORECASE,
)
# Words one of which EXCLUDE needs: a sentence with none of them is not searched.
_EXCLUDE_HINTS = (
    "gdp",
    "gross",
    "value",
    "trade",
    "import",
    "export",
    "revenue",
    "output",
    "sales",
    "turnover",
    "fund",
    "actually",
    "credit",
    "loan",
    "target",
    "aim",
    "strive",
    "goal",
    "transaction",
    "tax",
    "market",
    "budget",
    "subsid",
    "spending",
    "complet",
    "生产总值",
    "增加值",
    "进出口",
    "外贸",
    "贸易",
    "营",
    "收入",
    "产值",
    "销售额",
    "交易额",
    "到位",
    "实际",
    "授信",
    "贷款",
    "目标",
    "力争",
    "预计",
    "基金",
    "税收",
    "财政",
    "预算",
    "补贴",
    "消费",
    "完成",
)


def excluded(text: str) -> bool:
    """Whether `text` speaks of GDP, trade, revenue, targets, fund sizes... (EXCLUDE), quickly."""
    low = text.lower()
    return any(hint in low for hint in _EXCLUDE_HINTS) and EXCLUDE.search(text) is not None


TOTAL = re.compile(
    r"\btotal(?:l?ed|ling|ing)?\b|\bin all\b|\baltogether\b|\bcombined\b|\baggregate\b|\bsum of\b|共|总投资|总额|合计|累计|总计|总金额|总签约",
    re.IGNORECASE,
)
SIZE_CLASS_AFTER = re.compile(r"^\s*(?:以上|及以上|级|or (?:more|above))")
SIZE_CLASS_BEFORE = re.compile(r"(?:more than|over|above|exceeding|at least|超过|超|逾|过)\s*$", re.IGNORECASE)
SIZE_CLASS_EACH = re.compile(
    r"\beach (?:exceed(?:s|ing)?|worth|of|over|above)\s*(?:more than\s*)?$|\beach\b[^,.]{0,20}$|均超|各超",
    re.IGNORECASE,
)


def _round(value: float) -> bool:
    """1, 2, 3, 5, 10, 20, 50... times a power of ten: the thresholds size classes are drawn at."""
    while value >= 10 and value % 10 == 0:
        value /= 10
    return value in (1, 2, 3, 5)


DEAL_VERB = re.compile(
    r"\bsign(?:ed|s|ing)?\b|\binked\b|\bentered into\b|\bteamed up\b|\bagreed to\b|\bsettle[ds]?\b|\blanded\b|"
    r"\binvest(?:s|ed|ing)?\b|\binvestment of\b|\bwill (?:establish|build|set up)\b|\bto (?:establish|build|set up)\b|"
    r"\bplans? to (?:build|establish|set up|invest)\b|\b(?:tailor|custom)-made\b|\bcustomi[sz]ed\b|签约|签署|签订|达成|落户|入驻|投资|投建|合作|入股|增资|拟在|拟建|计划投资",
    re.IGNORECASE,
)
SIGNED = re.compile(
    DEAL_VERB.pattern + r"|\bkick ?start(?:ed)?\b|\bbroke ground\b|\bgroundbreaking\b|\bstarted\b|\bcommenced\b|"
    r"\breleased\b|\bunveiled\b|\blaunched\b|under negotiation|in talks|开工|投产|竣工|发布|推介|洽谈|在谈|落地",
    re.IGNORECASE,
)
OPPORTUNITY = re.compile(
    r"opportunit|under negotiation|in talks|\blist\b|pipeline|reserve|机会|清单|在谈|洽谈|储备",
    re.IGNORECASE,
)
STARTED = re.compile(
    r"kick ?start|broke ground|groundbreaking|started construction|commenced|开工|动工|奠基|投产|竣工", re.IGNORECASE
)
CONTRACT = re.compile(r"\bcontracts?\b|合同", re.IGNORECASE)
COOPERATION = re.compile(
    r"cooperat|partnership|partner|teamed up|team up|jointly|tailor-made|custom-made|customi[sz]ed|strategic|framework|memorandum|\bMoU\b|合作|战略|框架|备忘录|共建",
    re.IGNORECASE,
)

SECTORS: tuple[tuple[str, str], ...] = (
    ("new energy vehicles", r"new energy vehicle|\bNEVs?\b|intelligent vehicle|connected vehicle|新能源汽车|智能网联"),
    (
        "electronic information",
        r"electronic information|integrated circuit|semiconductor|chip|wafer|display|电子信息|集成电路|半导体|芯片",
    ),
    (
        "software and information technology",
        r"software|information technology|\bcloud\b|internet|digital economy|软件|信息技术|互联网|数字经济",
    ),
    ("biomedicine", r"biomedic|pharmaceutic|\bdrugs?\b|medical|\bIVD\b|bio-?tech|生物医药|医药|医疗|生物"),
    ("new materials", r"new material|advanced material|新材料"),
    (
        "new energy",
        r"new energy|renewable|photovoltaic|solar|wind power|hydrogen|lithium|battery|新能源|光伏|氢能|储能|锂电",
    ),
    ("equipment manufacturing", r"equipment|intelligent manufacturing|smart manufacturing|装备|智能制造"),
    ("finance", r"fintech|financ|\bbank|金融|银行"),
    ("culture and creative", r"cultural and creative|digital culture|\bgames?\b|e-sports|animation|文创|游戏|数字文化"),
    ("logistics", r"logistic|air cargo|freight|物流|航空货运"),
    ("aerospace", r"satellite|aerospace|aviation|卫星|航空航天"),
)
_SECTOR_RE = re.compile("|".join(f"(?P<s{i}>{pattern.lower()})" for i, (_, pattern) in enumerate(SECTORS)))


def sector_of(text: str) -> str | None:
    """The sector named first in `text`."""
    m = _SECTOR_RE.search(text.lower())
    return SECTORS[int(m.lastgroup[1:])][0] if m and m.lastgroup else None


def deal_kind(text: str) -> str:
    if CONTRACT.search(text) and not re.search(r"contract (?:investment|value)|合同(?:投资|金额)", text, re.IGNORECASE):
        return "contract"
    if COOPERATION.search(text) and not re.search(r"\binvest(?:s|ed|ing)?\b|投资\d", text):
        return "cooperation"
    return "investment"


def batch_kind(text: str) -> str:
    if OPPORTUNITY.search(text):
        return "opportunity"
    if STARTED.search(text):
        return "started"
    return "signed"


def pair_conversions(text: str, money: list[Money]) -> list[tuple[Money, Money | None]]:
    """Amounts each with the conversion stated right after it in brackets, if any:
    "RMB 5 billion ($7300 million)" is one amount with its stated conversion."""
    out: list[tuple[Money, Money | None]] = []
    skip: set[int] = set()
    for i, m in enumerate(money):
        if i in skip:
            continue
        conv = None
        if i + 1 < len(money):
            gap = text[m.end : money[i + 1].start]
            if re.fullmatch(r"\s*[(（]\s*(?:about|approx\.?|around|or|约|合)?\s*", gap, re.IGNORECASE):
                conv = money[i + 1]
                skip.add(i + 1)
        out.append((m, conv))
    return out


_CLAUSE_END = re.compile(r"[，,；;：:]")


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between commas, semicolons or colons of the sentence) around text[start:end]."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return left, right.start() if right else len(text)


def size_class(text: str, m: Money) -> bool:
    """Whether an amount bounds a class of projects ("54 projects of more than RMB 1 bn", 10亿元以上项目4个)
    rather than totals them; `m`'s offsets are in `text`."""
    left, right = clause(text, m.start, m.end)
    if TOTAL.search(text[left:right]):
        return False
    after = bool(SIZE_CLASS_AFTER.match(text[m.end :]))
    each = bool(SIZE_CLASS_EACH.search(text[max(0, m.start - 30) : m.start]))
    before = bool(SIZE_CLASS_BEFORE.search(text[max(0, m.start - 12) : m.start])) and _round(m.value)
    return after or each or (before and not TOTAL.search(text))
