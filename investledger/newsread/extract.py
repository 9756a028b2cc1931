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
_BATCH_NOUN = re.compile(r"projects|opportunities|deals|agreements|项目|机会", re.IGNORECASE)
_ZH_PAIR = re.compile(r"(?:与|和|同)(?P<name>[\u4e00-\u9fa5A-Za-z（）()]{2,20}?)(?:签约|签署|签订|达成|就)")
_SUBJECT_VERB = re.compile(
    r"^\s*(?:,|，)?\s*(?:has |have |had |also |officially |successively |formally |is |are |will |jointly |then )*"
    r"(?:sign|ink|enter|team|agree|partner|invest|plan|establish|build|set up|pledg|commit|签约|签署|签订|投资|达成|将|拟|计划)",
    re.IGNORECASE,
)


def _candidates(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    sent = text[start:end]
    found = names.zh_names(sent) if names.is_cjk(sent) else []
    found += [n for n in names.en_names(sent) if not names.is_cjk(n[2])]
    for m in _ZH_PAIR.finditer(sent):
        name = m.group("name")
        if not any(s <= m.start("name") < e for s, e, _ in found):
            found.append((m.start("name"), m.end("name"), name))
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

    def read(self) -> Facts:
        for start, end in sentences.split(self.text):
            self._sentence(start, end)
        return self.facts

    # -- deals
    def _known(self, name: str) -> Deal | None:
        for deal in self.facts.deals:
            if names.same_entity(deal.investor, name):
                return deal
        return None

    def _mentions(self, sent: str, start: int) -> list[Deal]:
        cands = [n for _, _, n in _candidates(self.text, start, start + len(sent))]
        found = []
        for deal in self.facts.deals:
            key = deal.investor.split(" (")[0].split(",")[0]
            if key in sent or any(names.same_entity(deal.investor, c) for c in cands):
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
            if _in_title(self.text, start, s, end):
                continue
            if not _is_investor_name(n, in_list, before_verb):
                continue
            if s < verb_at and not in_list:
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
                and not re.search(r"\bwith\b|与", sent[: first[0] - start])
            ):
                pair_verb = re.search(r"\s+and\s+(?:the\s+)?", self.text[first[1] : investors[1][0]])
                if pair_verb and investors[1][1] < verb_at:
                    counterparts = [investors[1][2], *counterparts]
                    investors = [first, *investors[2:]]
        return investors, counterparts, gov

    # -- the sentence
    def _sentence(self, start: int, end: int) -> None:
        sent = self.text[start:end]
        money = find_money(sent)
        for m in money:
            m.start += start
            m.end += start
        pairs = sentences.pair_conversions(self.text, money)
        excluded = bool(sentences.EXCLUDE.search(sent))
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
        amounts = [(m, conv) for m, conv in pairs if not excluded]
        amounts = [(m, conv) for m, conv in amounts if not sentences.size_class(sent, _local(m, start))]
        if counts and any(sentences.size_class(sent, _local(m, start)) for m, _ in pairs) and not TOTAL.search(sent):
            counts = []
        if not amounts:
            self._counts_only(counts, start, end, sent)
            return
        if not deals:
            deals = [d for d in self._mentions(sent, start) if d.amount is None]
            if deals and (counts or (TOTAL.search(sent) and len(deals) > 1)):
                deals = []
        if deals and not counts:
            for deal, (m, conv) in zip(deals, amounts, strict=False):
                if deal.amount is None:
                    deal.amount, deal.conversion = m, conv
            if len(deals) == 1 and deals[0].span != (start, end) and deals[0].amount is amounts[0][0]:
                deals[0].span = (min(deals[0].span[0], start), max(deals[0].span[1], end))
            return
        self._aggregates(amounts, counts, start, end, sent)

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
            and re.search(r"\bthe(?:se)? projects\b|上述项目|这些项目", sent)
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
        for i, (m, conv) in enumerate(amounts):
            c = counts[i] if i < len(counts) else None
            if c is not None and c.start > m.end and i == 0 and len(counts) > len(amounts):
                c = counts[0]
            agg = Aggregate(
                kind=sentences.batch_kind(sent),
                span=(start, end),
                amount=m,
                conversion=conv,
                count=c,
                scope=_scope(sent),
                sector=sentences.sector_of(sent),
            )
            self._add_aggregate(agg)

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


def _local(m: Money, offset: int) -> Money:
    return Money(m.start - offset, m.end - offset, m.value, m.currency, m.hedge)


def _scope(sent: str) -> str:
    return re.sub(r"\s+", " ", sent).strip()[:200]


def read(text: str) -> Facts:
    return Reader(text).read()
