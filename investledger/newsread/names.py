"""Names in a release: companies and institutions (investors), government bodies, places.

English names are runs of capitalised words, with their legal form ("(Chengdu) Co., Ltd.") and
connectors ("of the", "Science and Technology"); Chinese names end in a legal or institutional
suffix (有限公司, 集团, 大学...) or stand between 与 and 签约. A government body (zone, committee,
bureau...) or a bare place is never an investor: it is the host or the counterpart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

PLACES_EN = set(
    """China Chinese Chengdu Chongqing Sichuan Beijing Shanghai Tianjin Guangdong Guangzhou Shenzhen Hangzhou
    Zhejiang Jiangsu Nanjing Suzhou Wuhan Hubei Hunan Changsha Henan Zhengzhou Shandong Jinan Qingdao Fujian
    Fuzhou Xiamen Anhui Hefei Jiangxi Nanchang Shaanxi Xi'an Xian Yunnan Kunming Guizhou Guiyang Guangxi Nanning
    Hainan Haikou Hebei Shijiazhuang Shanxi Taiyuan Liaoning Shenyang Dalian Jilin Changchun Heilongjiang Harbin
    Gansu Lanzhou Qinghai Xining Ningxia Yinchuan Xinjiang Urumqi Tibet Lhasa Mongolia Hohhot Meishan Mianyang
    Deyang Yibin Luzhou Nanchong Zigong Leshan Dazhou Suining Neijiang Guang'an Ya'an Bazhong Ziyang Panzhihua
    Tianfu Wuxi Xishan Dalian Jinpu Hechi Suzhou Zhenjiang Xiamen Fuzhou Jinan Haikou Ruzhou Harbin Daying Rongchang
    Macau Macao Taiwan Hong Kong Singapore Japan Korea India Germany France Britain UK US USA America
    Europe Asia Africa Dubai Abu Dhabi Saudi Arabia Malaysia Thailand Vietnam Indonesia Russia Australia
    Western Eastern Southern Northern West East South North Central New Kong Hong Yangtze River Delta Pearl
    Bay Area Greater Gujarat Maharashtra Mumbai Delhi Karnataka Tamil Nadu Pune Hyderabad""".split()
)
GOV_WORDS = re.compile(
    r"\b(?:Government|Committee|Commission|Bureau|Ministry|Department|Office|Council|Administration|Authority|"
    r"Municipal|Municipality|Province|Provincial|Prefecture|District|County|City|Zone|Park|Area|Town|Port|"
    r"Federation|Association|Chamber|People's|CDHT|Hi-?Tech|HKTDC|Consulate|Embassy|Party)\b",
    re.IGNORECASE,
)
ORG_WORDS = re.compile(
    r"\b(?:Co|Ltd|Limited|Inc|Corp|Corporation|Company|Group|Holdings?|LLC|PLC|GmbH|AG|Bank|University|"
    r"Institute|Academy|Laboratory|Technology|Technologies|Tech|Media|Industrial|Industries|Motors?|Energy|"
    r"Pharmaceuticals?|Electronics|Capital|Partners|Ventures|Airlines?|Carrier|Logistics|Semiconductor|Society|"
    r"Headquarters|Software|Systems|Networks?|Telecom|Materials|Investment|Fund)\b\.?",
)
STOP_EN = set(
    """a an the this that these those it its he she they we our their his her in on at by for to of with from
    and or but as after before since during while when where which who whose what according also however
    meanwhile moreover recently today yesterday together consequently furthermore besides additionally data
    statistics source news photo image chairman ceo president director mayor governor secretary vice minister
    mr ms mrs dr general manager head chief senior executive regional one two three four five six seven eight
    nine ten first second third last next all both each every several many some other another such among
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    rmb cny usd hkd eur gdp ai it iot ipo r&d 5g ivd adc it sme smes srdi star sci-tech i ii iii
    signing ceremony expo forum summit conference project projects agreement investment list phase
    premium modernization prnewswire kyodo jbn asianet related link home topics share""".split()
)
LEGAL_TAIL = (
    r"(?:,?\s*(?:Co\.,?\s*Ltd\.?|Co\.,?\s*Limited|Co\.|Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|LLC|PLC|GmbH|AG))"
)
_TOKEN = r"(?:[A-Z][A-Za-z0-9&'’.-]*)"
_PAREN = r"\((?:[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?|Group|International)\)"
_LINK = r"(?:\sof\sthe\s|\sof\s|\sand\s(?=Technology|Development|Commercial|Trade|Research|Information|Reform|Technological|Innovation|Planning)|\s&\s|\s)"
EN_NAME = re.compile(rf"(?<![A-Za-z]){_TOKEN}(?:{_LINK}(?:{_TOKEN}|{_PAREN}))*{LEGAL_TAIL}?")

ZH_SUFFIX = r"(?:股份有限公司|有限责任公司|有限公司|集团|公司|大学|研究院|研究所|银行|控股|实验室)"
_ZCH = r"[^\s，。、；：！？“”‘’《》\n\t与和及同跟向对把被将在由为是了等共,.;:!?（）()「」]"
ZH_NAME = re.compile(rf"{_ZCH}{{1,18}}?(?:[（(][\u4e00-\u9fa5]{{2,6}}[）)])?{_ZCH}{{0,10}}?{ZH_SUFFIX}+")
ZH_GOV = re.compile(
    r"(?:政府|管委会|委员会|局|厅|办公室|商务部|新区|高新区|开发区|示范区|园区|经开区|自贸区|[市区县省州])$"
)
ZH_LEAD = re.compile(
    r"^(?:\d+年)?(?:\d+月)?(?:\d+日)?(?:上午|下午|当天|其中|包括|引进|签约|现场|此外|同时|近日|今年|企业|代表|各|由|拟设立|设立|将|建设|注册|成立|在)*"
)
ZH_GENERIC = re.compile(
    r"子公司$|完成|预计|累计|项目|[一二三四]期|厂房|设备|固定资产|流动资金|总$|计划|全市|全省|全县|本次|此次|^(?:本|该|其|各|多家|一批|相关)?(?:公司|企业|集团)$|代表|见证|分别|共同|双方|各方"
)
ANNOUNCER = re.compile(
    r"(?P<name>[\u4e00-\u9fa5A-Za-z]{2,10}?)(?:\d{1,2}月\d{1,2}日)?(?:早间|晚间|中午)?(?:发布公告|公告|宣布|发布)(?:称)?[，,：:]"
)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def strip_lead(name: str, start: int) -> tuple[str, int]:
    """Drop leading sentence words ("On", "The", "Recently") and dates from an English name."""
    words = name.split(" ")
    while words and (
        words[0].lower().strip(",") in STOP_EN
        or words[0].isdigit()
        or re.sub(r"['’]s$", "", words[0]) in PLACES_EN
        and re.search(r"['’]s$", words[0])
    ):
        start += len(words[0]) + 1
        words = words[1:]
    return " ".join(words), start


_GOV_ANYWHERE = re.compile(r"\b(?:Government|Committee|Municipal|People's|CDHT|HKTDC|Ministry)\b")


NOT_A_PARTY = re.compile(
    r"\b(?:Project|Projects|Conference|Ceremony|Expo|Forum|Summit|Fair|Exhibition|Festival|Circle|Plan|Plans|Program|"
    r"Programme|Initiative|Strategy|Policy|Index|Ranking|Award|Prize|Week|Day|Session|Seminar|Meeting|Roadshow|Convention|Congress)$"
)


@lru_cache(maxsize=4096)
def is_government(name: str) -> bool:
    """A government body or a place: its head noun (before "of") is a zone, committee, bureau..."""
    if is_cjk(name):
        return bool(ZH_GOV.search(name)) or "政府" in name
    if _GOV_ANYWHERE.search(name) or is_place(name):
        return True
    head = re.sub(r"\s*\([^)]*\)", "", name.split(" of ")[0]).split()
    return bool(head) and bool(GOV_WORDS.fullmatch(head[-1]))


@lru_cache(maxsize=4096)
def is_place(name: str) -> bool:
    if is_cjk(name):
        return bool(ZH_GOV.search(name))
    words = re.sub(r"['’]s\b", "", name).replace("-", " ").split()
    return all(w.strip(",.") in PLACES_EN for w in words)


@lru_cache(maxsize=4096)
def has_org_word(name: str) -> bool:
    if is_cjk(name):
        return bool(re.search(ZH_SUFFIX + "$", name))
    return bool(ORG_WORDS.search(name)) or bool(re.search(LEGAL_TAIL + "$", name))


def looks_like_brand(name: str) -> bool:
    """A single word that is no common English word nor a place: ByteDance, Tencent, Eswin, LinkedIn."""
    words = name.split()
    if len(words) == 2 and words[1] in PLACES_EN:
        words = words[:1]  # "AWS China"
    if len(words) != 1:
        return False
    word = words[0].strip(".,")
    if word.lower() in STOP_EN or word in PLACES_EN or len(word) < 3:
        return False
    return not (word.isupper() and len(word) <= 3)


_DATELINE = re.compile(
    r"\s*(?:,|--|\()[^.]{0,25}?(?:\d|January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_EVENT_CONTINUES = re.compile(
    r"\s+and\s+(?:[A-Z][\w'-]*\s+){0,4}(?:Fair|Expo|Conference|Forum|Summit|Exhibition|Week|Festival|Ceremony)\b"
)


def en_names(text: str) -> list[tuple[int, int, str]]:
    """Capitalised name candidates in an English sentence: (start, end, name)."""
    out = []
    for m in EN_NAME.finditer(text):
        if (m.group(0).isupper() and _DATELINE.match(text, m.end())) or _EVENT_CONTINUES.match(text, m.end()):
            continue  # "WUXI, Nov 14" is a dateline; "... Cooperation and Exchange Fair" an event
        name, start = strip_lead(m.group(0).rstrip(" ,"), m.start())
        if name.endswith("."):
            if not re.search(r"(?:Co|Ltd|Inc|Corp)\.$", name):
                name = name[:-1]
        for tail in ("-related projects", "-related project"):
            if name.endswith(tail):
                name = name[: -len(tail)]
        if not name or name.lower() in STOP_EN or re.match(r"(?:\d|(?:RMB|CNY|Rmb|USD|US\$|HK\$|Rs)\.?\s?\d)", name):
            continue
        name = re.sub(r"['’]s$", "", name)
        out.append((start, start + len(name), name))
    return _joined(text, out)


def _joined(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """ "China Energy Conservation and Environmental Protection Group Co., Ltd." is one name: a run with
    no org or government word joined by "and" to one that ends in a legal form."""
    out: list[tuple[int, int, str]] = []
    for s, e, n in found:
        if out:
            ps, pe, pn = out[-1]
            if (
                text[pe:s] == " and "
                and not re.search(LEGAL_TAIL + "$", pn)
                and not GOV_WORDS.search(pn)
                and not is_place(pn)
                and len(pn.split()) > 1
                and re.search(LEGAL_TAIL + "$", n)
            ):
                out[-1] = (ps, e, text[ps:e])
                continue
        out.append((s, e, n))
    return out


def zh_names(text: str) -> list[tuple[int, int, str]]:
    """Chinese names ending in a legal or institutional suffix: (start, end, name)."""
    out = []
    for m in ZH_NAME.finditer(text):
        lead = ZH_LEAD.match(m.group(0))
        cut = lead.end() if lead else 0
        name = m.group(0)[cut:]
        if len(name) >= 3 and not ZH_GENERIC.search(name):
            out.append((m.start() + cut, m.end(), name))
    return out


_INSTITUTE_OF = re.compile(
    r"^(?:The\s)?(?P<unit>[\w\s-]*?(?:Research Institute|Institute|Branch|Center|Centre))\sof\s(?:the\s)?(?P<parent>.+)$"
)


@lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    """The name as a ledger keeps it: "Chengdu Research Institute of the City University of Hong Kong" ->
    "City University of Hong Kong Chengdu Research Institute"; trailing commas and articles dropped."""
    name = name.strip(" ,;:").removeprefix("the ").removeprefix("The ")
    if name.endswith(".") and not re.search(r"\b(?:Co|Ltd|Inc|Corp)\.$", name):
        name = name[:-1]
    m = _INSTITUTE_OF.match(name)
    if m and has_org_word(m.group("parent")):
        return f"{m.group('parent')} {m.group('unit')}"
    return name


_LEGAL_WORDS = {
    "co",
    "company",
    "ltd",
    "limited",
    "group",
    "holdings",
    "holding",
    "inc",
    "corp",
    "corporation",
    "plc",
    "llc",
    "the",
}
_ZH_LEGAL = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "集团", "控股", "公司")


@lru_cache(maxsize=4096)
def key(name: str) -> str:
    """A comparison key: case, punctuation, parentheses' content and legal forms dropped."""
    s = unicodedata.normalize("NFKC", name).lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    if is_cjk(s):
        s = re.sub(r"\W", "", s)
        for suffix in _ZH_LEGAL:
            if s.endswith(suffix) and len(s) > len(suffix) + 1:
                s = s[: -len(suffix)]
        return s
    words = [w for w in re.sub(r"[^\w\s]", " ", s).split() if w not in _LEGAL_WORDS]
    return " ".join(words)


@lru_cache(maxsize=4096)
def same_entity(a: str, b: str) -> bool:
    """Whether two names name one investor: equal keys, or one key's words starting the other's."""
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if is_cjk(ka) or is_cjk(kb):
        return (ka in kb or kb in ka) and min(len(ka), len(kb)) >= 2
    wa, wb = ka.split(), kb.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return long_[: len(short)] == short
