"""Signals about signed investors and projects in an article: trouble (terminated, suspended, withdrew,
bankrupt, relocated) or progress (groundbreaking, production, completion), each with its sentence, and
which of the names it is given the article names.

`signals(text)` finds the signals; `named(text, names)` which of the given names (investors, projects)
the article mentions, by the comparison key of `names.key` (case, punctuation and legal forms aside).
The library decides nothing: the app matches the names to projects and shows the signals to a person.
"""

from __future__ import annotations

import re
from typing import Any

from investledger.newsread import names, sentences

# (code, kind, pattern): one pattern per signal, English and Chinese.
SIGNALS: tuple[tuple[str, str, str], ...] = (
    ("terminated", "trouble", r"\bterminat(?:ed|es|ion|ing)\b|\bcancel(?:l?ed|s|lation)\b|\bscrapped\b|终止|解约|取消"),
    (
        "suspended",
        "trouble",
        r"\bsuspend(?:ed|s|ing)?\b|\bsuspension\b|\bhalted\b|\bput on hold\b|\bstalled\b|暂停|停工|停建|搁置|停滞",
    ),
    (
        "withdrawn",
        "trouble",
        r"\bwithdr[ae]w[ns]?\b|\bwithdrawal\b|\bpulled out\b|\bdivest(?:ed|s)?\b|撤资|撤出|撤离|退出",
    ),
    (
        "bankrupt",
        "trouble",
        r"\bbankrupt(?:cy)?\b|\binsolven(?:t|cy)\b|\bliquidat(?:ed|ion)\b|\breceivership\b|破产|清算|资不抵债",
    ),
    (
        "relocated",
        "trouble",
        r"\brelocat(?:ed|es|ing|ion)\b|\bmoved (?:its|the) (?:plant|factory|headquarters)\b|迁出|外迁|搬迁",
    ),
    (
        "started",
        "progress",
        r"\bbroke ground\b|\bgroundbreaking\b|\bstarted construction\b|\bconstruction (?:began|started)\b|开工|动工|奠基",
    ),
    (
        "in_production",
        "progress",
        r"\b(?:went|go|goes|put) into (?:operation|production)\b|\bstarted production\b|\bcommissioned\b|投产|试生产",
    ),
    ("completed", "progress", r"\bcompleted\b|\bcompletion\b|\btopped out\b|竣工|建成|封顶"),
)
_PATTERN = re.compile("|".join(f"(?P<s{i}>{p})" for i, (_, _, p) in enumerate(SIGNALS)), re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|no|never|denied|rumou?rs?)\b|未|并未|没有|不会|否认|辟谣", re.IGNORECASE)


def signals(text: str) -> list[dict[str, Any]]:
    """Each signal in the text, once per sentence and code: `code`, `kind` (trouble / progress), the
    word's `span` and the sentence as `evidence {span, text}`. A sentence that denies it is left out."""
    found: list[dict[str, Any]] = []
    bounds = sentences.split(text)
    for match in _PATTERN.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        code, kind, _ = SIGNALS[index]
        start, end = next(((s, e) for s, e in bounds if s <= match.start() < e), (match.start(), match.end()))
        sentence = text[start:end]
        if _NEGATED.search(sentence[: match.start() - start]):
            continue
        if any(f["code"] == code and f["evidence"]["span"] == [start, end] for f in found):
            continue
        found.append(
            {
                "code": code,
                "kind": kind,
                "span": [match.start(), match.end()],
                "evidence": {"span": [start, end], "text": sentence},
            }
        )
    return found


def named(text: str, candidates: list[str]) -> set[str]:
    """Which of `candidates` (names of investors or projects) the text names: the name's comparison key
    found in the text's (a Chinese key of two characters or more, an English one as whole words)."""
    flat = names.key(text.replace("\n", " "))
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    spaced = " " + " ".join(words) + " "
    found = set()
    for candidate in candidates:
        k = names.key(candidate)
        if not k:
            continue
        if names.is_cjk(k):
            if len(k) >= 2 and k in flat:
                found.add(candidate)
        elif f" {k} " in spaced:
            found.add(candidate)
    return found
