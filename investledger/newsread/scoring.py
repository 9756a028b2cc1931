"""Scoring proposals against labelled facts, by the corpus rules.

A deal matches on its investor (same name once case, punctuation and legal forms are set aside, one
name's words starting the other's, or a fuzzy ratio of 85 or more) and its amount (same currency,
within 0.5 %, or both absent); an aggregate on its project count and amount; each fact is matched
at most once (a maximum matching per document). Overall F1 is the mean of the deal, amount and
aggregate F1s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapidfuzz import fuzz

from investledger.newsread.names import key, same_entity

TOLERANCE = 0.005


def _amount(item: dict[str, Any]) -> tuple[float, str] | None:
    amount = item.get("amount")
    if isinstance(amount, dict):
        return float(amount["value"]), str(amount.get("currency") or "CNY")
    if amount is None:
        return None
    return float(amount), str(item.get("currency") or "CNY")


def amounts_match(a: tuple[float, str] | None, b: tuple[float, str] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a[1] == b[1] and abs(a[0] - b[0]) <= TOLERANCE * max(abs(a[0]), abs(b[0]))


def investors_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    ka, kb = key(a), key(b)
    return (
        same_entity(a, b)
        or ka.replace(" ", "") == kb.replace(" ", "")
        or (ka in kb or kb in ka)
        and len(min(ka, kb, key=len)) >= 3
        or fuzz.ratio(ka, kb) >= 85
    )


def matching(gold: Sequence[Any], pred: Sequence[Any], ok: Callable[[Any, Any], bool]) -> int:
    """The size of a maximum one-to-one matching between gold and predicted facts."""
    owner: dict[int, int] = {}

    def assign(g: int, seen: set[int]) -> bool:
        for p in range(len(pred)):
            if p not in seen and ok(gold[g], pred[p]):
                seen.add(p)
                if p not in owner or assign(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    return sum(1 for g in range(len(gold)) if assign(g, set()))


class Tally:
    def __init__(self) -> None:
        self.counts = {k: [0, 0, 0] for k in ("deals", "amounts", "aggregates")}
        self.invented = 0  # deals proposed on documents labelled with none
        self.no_deal_docs = 0

    def add(self, gold: dict[str, Any], pred: dict[str, Any]) -> None:
        gd = [(d.get("investor"), _amount(d)) for d in gold.get("deals", [])]
        pd = [(d.get("investor"), _amount(d)) for d in pred.get("deals", [])]
        ga = [(a.get("project_count"), _amount(a)) for a in gold.get("aggregates", [])]
        pa = [(a.get("project_count"), _amount(a)) for a in pred.get("aggregates", [])]
        gm = [x[1] for x in gd + ga if x[1] is not None]
        pm = [x[1] for x in pd + pa if x[1] is not None]
        rows = (
            ("deals", gd, pd, lambda g, p: investors_match(g[0], p[0]) and amounts_match(g[1], p[1])),
            ("amounts", gm, pm, amounts_match),
            ("aggregates", ga, pa, lambda g, p: g[0] == p[0] and amounts_match(g[1], p[1])),
        )
        for name, g, p, ok in rows:
            c = self.counts[name]
            c[0] += matching(g, p, ok)
            c[1] += len(p)
            c[2] += len(g)
        if not gd:
            self.no_deal_docs += 1
            self.invented += len(pd)

    def f1s(self) -> dict[str, tuple[float, float, float]]:
        out = {}
        for name, (tp, npred, ngold) in self.counts.items():
            if npred == 0 and ngold == 0:
                out[name] = (1.0, 1.0, 1.0)
                continue
            p = tp / npred if npred else 0.0
            r = tp / ngold if ngold else 0.0
            out[name] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
        return out

    def overall(self) -> float:
        return sum(f for _, _, f in self.f1s().values()) / 3


def score(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> Tally:
    tally = Tally()
    for gold, pred in pairs:
        tally.add(gold, pred)
    return tally
