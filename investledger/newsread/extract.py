"""From a release's text to its facts: deals, announced aggregates and the event, each with its span.

The reading goes sentence by sentence. A sentence with a signing or investing verb and a named
company is a deal (the company before the verb invests; a government body before it signs with the
companies after "with"); a company named earlier picks up an amount stated later about it ("The
NetEase Chengdu Digital Industry Base has a total investment of RMB 13 billion"). A sentence with a
count of projects and a total, or a total with no company, is an aggregate. Amounts in sentences
about GDP, trade, revenue, targets or fund sizes are not facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from investledger.newsread import names, sentences
from investledger.newsread.amounts import WORD_NUMBERS, Count, Money, find_counts, find_money
from investledger.newsread.sentences import DEAL_VERB, SIGNED, TOTAL


@dataclass
class Fact:
    kind: str
    span: tuple[int, int]
    amount: Money | None = None
    conversion: Money | None = None
    sector: str | None = None


@dataclass
class Deal(Fact):
    investor: str = ""
    investor_span: tuple[int, int] = (0, 0)
    counterparts: list[str] = field(default_factory=list)
    host_area: str | None = None


@dataclass
class Aggregate(Fact):
    count: Count | None = None
    scope: str = ""


@dataclass
class Loose:
    """An amount that is neither a deal's nor a total: flagged as having no investor."""

    amount: Money
    span: tuple[int, int]


@dataclass
class Facts:
    deals: list[Deal] = field(default_factory=list)
    aggregates: list[Aggregate] = field(default_factory=list)
    loose: list[Loose] = field(default_factory=list)


_WITH = re.compile(r"\bwith\b|与|和|同", re.IGNORECASE)
_LIST = re.compile(r"\b(?:such as|including|includ(?:es|ing)|like|namely)\b|包括|如|其中有", re.IGNORECASE)
_THEM = re.compile(r"\b(?P<num>\d{1,4}|[a-z]+) of them\b")
_LIST_VERB = re.compile(r"\bsign|\bsettle|\blanded|签约|落户|入驻", re.IGNORECASE)
_COORD = re.compile(r"\s*(?:,|and|, and|、|和|及|与)\s*(?:the\s)?")
_HOST = re.compile(
    r"Zone|Area|District|County|City|Park|Town|Hi-?Tech|CDHT|Government|Committee|[区县市]|园|新区|政府|管委会"
)
_BATCH_NOUN = re.compile(r"projects|opportunities|deals|agreements|机会", re.IGNORECASE)
_ZH_PAIR = re.compile(r"(?<![一共])(?:与|和|同)(?P<name>[\u4e00-\u9fa5A-Za-z（）()]{2,20}?)(?:签约|签署|签订|达成|就)")
_WORTH_READING = re.compile(
    r"\d|[零〇一二两三四五六七八九十百千万亿]|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)\b|"
    + DEAL_VERB.pattern,
    re.IGNORECASE,
)
_THE_COMPANY = re.compile(r"(?:^|[，,。])(?P<it>公司)(?=(?:\d{1,2}月\d{1,2}日)?(?:与|于|将|拟|近日|已|和|在|再次))")
_THE_PROJECT = re.compile(
    r"该项目|项目计划|项目总投资|项目投资|总投资计划|\bthe (?:project|base|plant|facility|company)\b|^\s*(?:under the agreement, )?the total investment\b",
    re.IGNORECASE,
)
# "X Signing Ceremony held...": the name is the event's, not a party's.
_EVENT_AFTER = re.compile(
    r"\s+(?:(?:investment|project|projects)\s+)?signing\s+(?:ceremony|event|conference|meeting|session)\b",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"\bprojects\b|\bthey\b|\bthese\b|项目\d+个|\d+个项目|这些|上述", re.IGNORECASE)
_ZH_SUBJECT = re.compile(
    r"(?:^|[，,；;：:])(?:其中，?)?(?P<name>[\u4e00-\u9fa5A-Za-z]{2,10}?)(?:拟|计划|将)?(?:投资|出资|入股)(?:约|超|逾)?\d"
)
_SUBJECT_VERB = re.compile(
    r"^\s*(?:,|，)?\s*(?:has |have |had |also |officially |successively |formally |is |are |will |jointly |then )*"
    r"(?:sign|ink|enter|team|agree|partner|invest|plan|establish|build|set up|pledg|commit|tailor-made|custom|签约|签署|签订|投资|达成|将|拟|计划)",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _announcer(head: str) -> str | None:
    m = names.ANNOUNCER.search(head)
    return m.group("name") if m else None


@lru_cache(maxsize=256)
def _candidates(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Name candidates of text[start:end], in order (cached: a sentence is asked about more than once)."""
    sent = text[start:end]
    found = names.zh_names(sent) if names.is_cjk(sent) else []
    found += [n for n in names.en_names(sent) if not names.is_cjk(n[2])]
    for m in _ZH_PAIR.finditer(sent):
        name = m.group("name")
        name = re.sub(r"(?:再|又|正式|成功|分别)+$", "", name)
        if (
            len(name) >= 2
            and not any(s <= m.start("name") < e for s, e, _ in found)
            and not names.ZH_GENERIC.search(name)
        ):
            found.append((m.start("name"), m.start("name") + len(name), name))
    for m in _ZH_SUBJECT.finditer(sent):
        name = m.group("name")
        if (
            not any(s <= m.start("name") < e for s, e, _ in found)
            and not names.ZH_GENERIC.search(name)
            and not names.is_government(name)
        ):
            found.append((m.start("name"), m.end("name"), name))
    announcer = _announcer(text[:300]) if "公司" in sent else None
    if announcer:
        for m in _THE_COMPANY.finditer(sent):
            found.append((m.start("it"), m.end("it"), announcer))
    found.sort()
    return [(s + start, e + start, n) for s, e, n in found]


def _is_investor_name(name: str, in_list: bool, before_verb: bool) -> bool:
    if names.is_government(name) or names.is_place(name) or names.NOT_A_PARTY.search(re.sub(r"\s*\(.*\)$", "", name)):
        return False
    if names.is_cjk(name):
        return True
    return names.has_org_word(name) or in_list or before_verb


class Reader:
    """Reads one text; `facts` holds what it found."""

    def __init__(self, text: str):
        self.text = text
        self.facts = Facts()
        self.pending_count: Count | None = None
        self.last_deal: Deal | None = None

    def read(self) -> Facts:
        for start, end in sentences.split(self.text):
            self._sentence(start, end)
        self._drop_breakdown_counts()
        return self.facts

    def _drop_breakdown_counts(self) -> None:
        """A count-only batch smaller than a stated total of its kind is a breakdown (by district, by
        source), which the rules leave out; a count-only top-level total stays."""
        aggs = self.facts.aggregates
        top = {a.kind: max((b.count.value for b in aggs if b.kind == a.kind and b.count), default=0) for a in aggs}
        self.facts.aggregates = [a for a in aggs if a.amount is not None or not a.count or a.count.value >= top[a.kind]]

    # -- deals
    def _known(self, name: str) -> Deal | None:
        for deal in self.facts.deals:
            alias = re.search(r"\(([A-Z]{2,6})\)", self.text[deal.investor_span[1] : deal.investor_span[1] + 12])
            if names.same_entity(deal.investor, name) or (alias and name == alias.group(1)):
                return deal
        return None

    def _mentions(self, sent: str, start: int) -> list[Deal]:
        cands = [n for _, _, n in _candidates(self.text, start, start + len(sent))]
        found = []
        for deal in self.facts.deals:
            key = deal.investor.split(" (")[0].split(",")[0]
            alias = re.search(r"\(([A-Z]{2,6})\)", self.text[deal.investor_span[1] : deal.investor_span[1] + 12])
            if alias and re.search(rf"\b{alias.group(1)}\b", sent):
                found.append(deal)
            elif key in sent or any(names.same_entity(deal.investor, c) for c in cands):
                found.append(deal)
        return found

    def _deal(self, name: str, span: tuple[int, int], sent_span: tuple[int, int], kind: str) -> Deal:
        name = names.canonical(name)
        known = self._known(name)
        if known:
            return known
        sent = self.text[sent_span[0] : sent_span[1]]
        deal = Deal(kind=kind, span=sent_span, investor=name, investor_span=span, sector=sentences.sector_of(sent))
        self.facts.deals.append(deal)
        return deal

    def _investors(self, start: int, end: int) -> tuple[list[tuple[int, int, str]], list[str], list[str]]:
        """(investors, counterparts, government bodies) named in a sentence with a deal verb."""
        sent = self.text[start:end]
        verb = DEAL_VERB.search(sent)
        if not verb:
            return [], [], []
        cands = _candidates(self.text, start, end)
        verb_at = start + verb.start()
        list_at = _LIST.search(sent)
        list_start = start + list_at.end() if list_at and _LIST_VERB.search(sent) else None
        gov = [n for _, _, n in cands if names.is_government(n) and _HOST.search(n)]
        subject_gov = any(names.is_government(n) and s < verb_at for s, _, n in cands)
        investors: list[tuple[int, int, str]] = []
        counterparts: list[str] = []
        with_at = _WITH.search(sent)
        for s, e, n in cands:
            in_list = (
                list_start is not None
                and s >= list_start
                and not re.split(r",|、|\band\b|;|；", self.text[list_start:s])[-1].strip()
            )
            before_verb = (
                bool(_SUBJECT_VERB.match(self.text[e:end]))
                or (s < verb_at and bool(re.match(r"\s+and\s", self.text[e:end])))
                or (s == start and self.text[e : e + 1] in ",，")
            )
            if _in_title(self.text, start, s, end) or _EVENT_AFTER.match(self.text, e, end):
                continue
            if not _is_investor_name(n, in_list, before_verb):
                continue
            if s < verb_at and not in_list:
                investors.append((s, e, n))
            elif not in_list and _verb_follows(self.text, e, end):
                investors.append((s, e, n))
            elif in_list:
                investors.append((s, e, n))
            elif (
                subject_gov
                and with_at
                and s >= start + with_at.start()
                and re.search(r"sign|ink|enter|签", sent, re.IGNORECASE)
                and (
                    not investors or (investors[-1][0] > verb_at and _COORD.fullmatch(self.text[investors[-1][1] : s]))
                )
            ):
                investors.append((s, e, n))
            elif investors or subject_gov:
                counterparts.append(n)
            elif (
                names.has_org_word(n)
                and re.search(r"sign|ink|enter|签", sent, re.IGNORECASE)
                and with_at
                and re.fullmatch(r"\s*(?:the\s+)?", self.text[start + with_at.end() : s])
            ) or (
                names.is_cjk(n) and re.search(r"签约(?:企业|单位|客商|方)(?:代表)?$", self.text[max(start, s - 8) : s])
            ):
                investors.append((s, e, n))  # "X town government signed a contract with Y Co. Ltd."
            elif names.has_org_word(n) or names.looks_like_brand(n):
                if re.search(r"\binvest|投资", sent[max(0, s - start - 60) : e - start + 60], re.IGNORECASE):
                    investors.append((s, e, n))
        if investors:
            first = investors[0]
            # "A and B signed": the first named invests, the second is its counterpart.
            if (
                not subject_gov
                and len(investors) > 1
                and not list_start
                and not re.search(r"\bwith\b", sent[: first[0] - start])
            ):
                pair_verb = re.fullmatch(
                    r"\s+and\s+(?:the\s+)?|\s*(?:与|和|同)\s*", self.text[first[1] : investors[1][0]]
                )
                if pair_verb and investors[1][1] <= verb_at:
                    counterparts = [investors[1][2], *counterparts]
                    investors = [first, *investors[2:]]
        return investors, counterparts, gov

    # -- the sentence
    def _sentence(self, start: int, end: int) -> None:
        sent = self.text[start:end]
        if not _WORTH_READING.search(sent):
            return  # no figure, no verb of signing or investing: nothing to propose
        money = find_money(sent)
        for m in money:
            m.start += start
            m.end += start
        pairs = sentences.pair_conversions(self.text, money)
        excluded = sentences.excluded(sent)
        counts = [c for c in find_counts(sent) if not re.match(r"\s*%|\s*percent", sent[c.end - start :])]
        them = _THEM.search(sent)
        if them and not counts:
            num = int(them.group("num")) if them.group("num").isdigit() else WORD_NUMBERS.get(them.group("num"))
            if num:
                counts = [Count(them.start(), them.end(), int(num), "companies", None)]
        for c in counts:
            c.start += start
            c.end += start
        investors, counterparts, gov = self._investors(start, end)
        kind = sentences.deal_kind(sent)
        deals = [self._deal(n, (s, e), (start, end), kind) for s, e, n in investors]
        for deal in deals:
            for other in counterparts:
                if other not in deal.counterparts and not names.same_entity(other, deal.investor):
                    deal.counterparts.append(other)
            if gov and not deal.host_area:
                deal.host_area = gov[0]
        if deals:
            self.last_deal = deals[-1]
        elif counts:
            self.last_deal = None
        amounts = [(m, conv) for m, conv in pairs if not (excluded and _excluded(sent, m.start - start, m.end - start))]
        if excluded and not amounts:
            counts = []
        counts = [c for c in counts if not _size_class_count(sent, c.start - start, c.end - start)]
        for m, _ in pairs:
            if sentences.size_class(sent, _local(m, start)):
                left, right = sentences.clause(sent, m.start - start, m.end - start)
                counts = [c for c in counts if not (left <= c.start - start < right)]
                amounts = [(x, conv) for x, conv in amounts if x is not m]
        if not amounts:
            self._counts_only(counts, start, end, sent)
            return
        if deals and counts:
            amounts = self._attach_by_clause(deals, amounts, sent, start)
            if not amounts:
                return
        if not deals:
            deals = [d for d in self._mentions(sent, start) if d.amount is None]
            if deals and (counts or (TOTAL.search(sent) and len(deals) > 1)):
                deals = []
        if not deals and not counts and self.last_deal and _THE_PROJECT.search(sent) and not _PLURAL.search(sent):
            amounts = amounts[:1]
            deals = [
                self._same_investor(self.last_deal, (start, end), amounts[0][0])
            ]  # "项目计划总投资5亿元" after the signing
        if deals and not counts:
            for deal, (m, conv) in zip(deals, amounts, strict=False):
                if deal.amount is None:
                    deal.amount, deal.conversion = m, conv
            if len(deals) == 1 and deals[0].span != (start, end) and deals[0].amount is amounts[0][0]:
                deals[0].span = (min(deals[0].span[0], start), max(deals[0].span[1], end))
            return
        self._aggregates(amounts, counts, start, end, sent)

    def _attach_by_clause(
        self, deals: list[Deal], amounts: list[tuple[Money, Money | None]], sent: str, start: int
    ) -> list[tuple[Money, Money | None]]:
        """Give each deal the amount in its own clause; return the amounts left (totals, counts' amounts)."""
        left = []
        for m, conv in amounts:
            a, b = sentences.clause(sent, m.start - start, m.end - start)
            part = sent[a:b]
            owner = None
            if not TOTAL.search(part) and not find_counts(part):
                owner = next((d for d in deals if d.amount is None and a <= d.investor_span[0] - start < b), None)
            if owner:
                owner.amount, owner.conversion = m, conv
            else:
                left.append((m, conv))
        return left

    def _same_investor(self, deal: Deal, span: tuple[int, int], amount: Money | None) -> Deal:
        """The deal itself, or a second project of the same investor when it already has its amount."""
        if deal.amount is None or (amount is not None and amount.value == deal.amount.value):
            deal.span = (min(deal.span[0], span[0]), max(deal.span[1], span[1]))
            return deal
        twin = Deal(
            kind=deal.kind,
            span=span,
            investor=deal.investor,
            investor_span=deal.investor_span,
            counterparts=deal.counterparts,
            host_area=deal.host_area,
            sector=deal.sector,
        )
        self.facts.deals.append(twin)
        self.last_deal = twin
        return twin

    def _counts_only(self, counts: list[Count], start: int, end: int, sent: str) -> None:
        for c in counts:
            if re.search(r"of which|其中", sent[: max(0, c.start - start)]):
                self.pending_count = c
                continue
            if SIGNED.search(sent) and c.noun in (
                "projects",
                "business projects",
                "companies",
                "项目",
                "企业",
                "investment opportunities",
                "opportunities",
            ):
                agg = Aggregate(
                    kind=sentences.batch_kind(sent),
                    span=(start, end),
                    count=c,
                    scope=_scope(sent),
                    sector=sentences.sector_of(sent),
                )
                self._add_aggregate(agg)
                self.pending_count = c

    def _aggregates(
        self, amounts: list[tuple[Money, Money | None]], counts: list[Count], start: int, end: int, sent: str
    ) -> None:
        total = bool(TOTAL.search(sent))
        if (
            not counts
            and total
            and self.pending_count
            and re.search(r"\bthe(?:se)? projects\b|\bthey\b|\bthese\b|上述项目|这些项目", sent, re.IGNORECASE)
        ):
            counts = [self.pending_count]
            self._drop_count_only(self.pending_count)
        self.pending_count = None
        if not counts and not total:
            for m, conv in amounts:
                if _BATCH_NOUN.search(self.text[max(start, m.start - 60) : m.end + 30]):
                    self._add_aggregate(
                        Aggregate(
                            kind=sentences.batch_kind(sent),
                            span=(start, end),
                            amount=m,
                            conversion=conv,
                            scope=_scope(sent),
                            sector=sentences.sector_of(sent),
                        )
                    )
                else:
                    self.facts.loose.append(Loose(m, (start, end)))
            return
        unused = list(counts)
        for m, conv in amounts:
            a, b = sentences.clause(sent, m.start - start, m.end - start)
            kind = sentences.batch_kind(sent[a:b]) if sentences.batch_kind(sent) != "signed" else "signed"
            before = [c for c in unused if c.end <= m.start]
            c = before[-1] if before else (unused[0] if unused else None)
            if c is not None:
                unused.remove(c)
            if c is not None:
                ca, cb = sentences.clause(sent, c.start - start, c.end - start)
                kind = sentences.batch_kind(sent[min(a, ca) : max(b, cb)])
            agg = Aggregate(
                kind=kind,
                span=(start, end),
                amount=m,
                conversion=conv,
                count=c,
                scope=_scope(sent),
                sector=sentences.sector_of(sent),
            )
            self._add_aggregate(agg)
        for c in unused:
            a, b = sentences.clause(sent, c.start - start, c.end - start)
            self._counts_only([c], start, end, sent[a:b])

    def _drop_count_only(self, count: Count) -> None:
        self.facts.aggregates = [a for a in self.facts.aggregates if not (a.amount is None and a.count is count)]

    def _add_aggregate(self, agg: Aggregate) -> None:
        value = agg.amount.value if agg.amount else None
        n = agg.count.value if agg.count else None
        if value is not None and n is not None:
            self.facts.aggregates = [
                a for a in self.facts.aggregates if not (a.amount is None and a.count and a.count.value == n)
            ]
        for other in self.facts.aggregates:
            o_value = other.amount.value if other.amount else None
            o_n = other.count.value if other.count else None
            if o_value == value and (o_n == n or n is None):
                return
            if o_value == value and o_n is None and value is not None:
                other.count = agg.count
                return
        self.facts.aggregates.append(agg)


def _in_title(text: str, start: int, at: int, end: int) -> bool:
    """Whether `at` is inside quotes that hold a title or a theme (no deal verb), not reported speech."""
    before = text[start:at]
    if before.count('"') % 2:
        opened, closing = before.rfind('"'), [i for i in (text.find('"', at, end),) if i >= 0]
    else:
        opened = max(before.rfind("“"), before.rfind("「"))
        if opened < 0 or before.count("“") + before.count("「") <= before.count("”") + before.count("」"):
            return False
        closing = [i for i in (text.find("”", at, end), text.find("」", at, end)) if i >= 0]
    quoted = text[start + opened : min(closing) if closing else end]
    return not DEAL_VERB.search(quoted)


def _verb_follows(text: str, at: int, end: int) -> bool:
    """Whether a deal verb follows `at` in its clause ("..., 晶科能源有限公司与上饶经开区管委会签约...")."""
    stop = re.compile(r"[，,；;。]").search(text, at, end)
    return bool(DEAL_VERB.search(text[at : stop.start() if stop else end])) and bool(
        re.match(
            r"\s*(?:与|和|同|拟|将|计划|在|投资|签|入股|合作|,? (?:has |have |will |is |also )?(?:sign|invest|agree|team|ink|plan))",
            text[at:end],
        )
    )


def _excluded(sent: str, start: int, end: int) -> bool:
    """Whether an amount is about GDP, trade, revenue, targets, fund sizes...: its clause says so, or the
    sentence does and the clause has no word of investing or of a total."""
    left, right = sentences.clause(sent, start, end)
    part = sent[left:right]
    near = sent[max(left, start - 60) : min(right, end + 25)]
    return sentences.excluded(near) or not (DEAL_VERB.search(part) or TOTAL.search(part))


def _size_class_count(sent: str, start: int, end: int) -> bool:
    """A count of projects above a size (亿元及以上项目864个, 10亿元以上项目79个), not a total."""
    left, right = sentences.clause(sent, start, end)
    part = sent[left:right]
    return bool(re.search(r"以上|above RMB|of over RMB", part)) and not TOTAL.search(part)


def _local(m: Money, offset: int) -> Money:
    return Money(m.start - offset, m.end - offset, m.value, m.currency, m.hedge)


def _scope(sent: str) -> str:
    return re.sub(r"\s+", " ", sent).strip()[:200]


def read(text: str) -> Facts:
    return Reader(text).read()
