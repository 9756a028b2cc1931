"""One proposal per document: the event, aggregates, deals and flags, as JSON-serialisable data.

Spans are [start, end) character offsets into the document's text as read (`text` in the output when
asked for), so the evidence of each fact can be highlighted where it stands.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import opencc

from investledger.newsread import events, flags, loaders, rates
from investledger.newsread.amounts import Money
from investledger.newsread.extract import Facts, read

SCHEMA = "investledger.newsread/1"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_T2S = opencc.OpenCC("t2s")


def language_of(text: str) -> str:
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z]{2,}", text))
    if cjk == 0 and latin == 0:
        return "unknown"
    if cjk >= 20 and latin >= 15 and 0.2 < cjk / (cjk + latin * 3) < 0.8:
        return "mixed"
    return "zh" if cjk * 1 > latin * 2 else "en"


def simplified(text: str) -> tuple[str, bool]:
    """The text in Simplified characters, one for one (spans stay valid), and whether any changed."""
    out = _T2S.convert(text)
    if len(out) != len(text):
        out = "".join(c if len(c) == 1 else o for o, c in ((o, _T2S.convert(o)) for o in text))
    return out, out != text


def amount_json(m: Money | None, conv: Money | None, year: int | None, default_currency: str) -> dict[str, Any] | None:
    if m is None:
        return None
    currency = m.currency or default_currency
    out: dict[str, Any] = {
        "value": m.value,
        "currency": currency,
        "stated_currency": m.currency is not None,
        "span": [m.start, m.end],
        "hedge": m.hedge,
    }
    found = rates.rate(currency, year)
    if found:
        rate, rate_year = found
        out["cny_value"] = round(m.value * rate, 2)
        out["rate"] = {
            "cny_per_unit": rate,
            "year": rate_year or None,
            "source": rates.SOURCE if currency != "CNY" else "same currency",
        }
    else:
        out["cny_value"] = None
        out["rate"] = None
    if conv is not None:
        out["stated_conversion"] = {
            "value": conv.value,
            "currency": conv.currency or default_currency,
            "span": [conv.start, conv.end],
        }
    return out


def empty(source: str | None, digest: str | None, fmt: str | None, messages: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": doc_id(source),
        "source": source,
        "content_sha256": digest,
        "format": fmt,
        "language": None,
        "traditional": False,
        "chars": 0,
        "event": {"name": None, "date": None, "place": None},
        "aggregates": [],
        "deals": [],
        "flags": [],
        "messages": messages,
    }


def doc_id(source: str | None) -> str | None:
    if not source:
        return None
    base = re.split(r"[\\/]", source)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def propose(
    data: bytes | str, source: str | None = None, *, include_text: bool = False, seen: set[str] | None = None
) -> dict[str, Any]:
    """The proposal for one document. `seen` holds the content hashes already ingested: a document
    whose hash is there is recognised and not read again."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    digest = hashlib.sha256(raw).hexdigest()
    if seen is not None and digest in seen:
        return empty(
            source,
            digest,
            None,
            [
                {
                    "level": "info",
                    "code": "duplicate",
                    "message": "This document was already ingested (same content hash).",
                }
            ],
        )
    loaded = loaders.load(data, source)
    if isinstance(loaded, loaders.Problem):
        return empty(source, digest, None, [{"level": "error", "code": loaded.code, "message": loaded.message}])
    if seen is not None:
        seen.add(digest)
    text = loaded.text
    work, traditional = simplified(text)
    facts = read(work)
    event = events.event_of(work)
    year = events.year_of(event, work)
    default_currency = _default_currency(facts)
    out = empty(source, digest, loaded.format, [])
    out.update(
        language=language_of(work),
        traditional=traditional,
        chars=len(text),
        event=event,
        aggregates=[_aggregate(a, text, year, default_currency) for a in facts.aggregates],
        deals=[_deal(d, text, year, default_currency, work) for d in facts.deals],
    )
    out["flags"] = flags.flags_of(facts, out, text, year, default_currency)
    if out["language"] == "mixed":
        out["messages"].append(
            {
                "level": "warning",
                "code": "mixed_language",
                "message": "The document mixes English and Chinese; both were read.",
            }
        )
    if not out["deals"] and not out["aggregates"]:
        out["messages"].append(
            {
                "level": "info",
                "code": "no_facts",
                "message": "No investment deal or announced total was found in this document.",
            }
        )
    if include_text:
        out["text"] = text
    return out


def _default_currency(facts: Facts) -> str:
    stated = [a.amount.currency for a in facts.aggregates if a.amount and a.amount.currency]
    stated += [d.amount.currency for d in facts.deals if d.amount and d.amount.currency]
    # Of currencies stated as often, the first stated: a set's order changes from one run to the next.
    return max(dict.fromkeys(stated), key=stated.count) if stated else "CNY"


def _evidence(text: str, span: tuple[int, int]) -> dict[str, Any]:
    return {"span": [span[0], span[1]], "text": text[span[0] : span[1]]}


def _aggregate(a: Any, text: str, year: int | None, default_currency: str) -> dict[str, Any]:
    return {
        "project_count": a.count.value if a.count else None,
        "count_span": [a.count.start, a.count.end] if a.count else None,
        "amount": amount_json(a.amount, a.conversion, year, default_currency),
        "kind": a.kind,
        "scope": a.scope,
        "sector": a.sector,
        "hedge": (a.amount.hedge if a.amount else None) or (a.count.hedge if a.count else None),
        "evidence": _evidence(text, a.span),
    }


# Characters the conversion to Simplified changes that a name keeps as written: 乾 is the Traditional
# form of 干 (dry) but in names (乾照光电, 乾隆) it is a character of its own, in both scripts.
_KEPT_IN_NAMES = frozenset("乾")


def _as_written(name: str, span: tuple[int, int], work: str, text: str) -> str:
    """A name in Simplified characters, but for those a name keeps as written (`_KEPT_IN_NAMES`).
    The conversion is one for one, so where the name stands in the converted text the original
    has the same positions."""
    start, end = span
    if work[start:end] != name or text[start:end] == name:
        return name
    return "".join(o if o in _KEPT_IN_NAMES else c for o, c in zip(text[start:end], name, strict=True))


def _deal(d: Any, text: str, year: int | None, default_currency: str, work: str = "") -> dict[str, Any]:
    return {
        "investor": _as_written(d.investor, d.investor_span, work, text) if work else d.investor,
        "investor_span": [d.investor_span[0], d.investor_span[1]],
        "counterparts": d.counterparts,
        "host_area": d.host_area,
        "amount": amount_json(d.amount, d.conversion, year, default_currency),
        "sector": d.sector,
        "kind": d.kind,
        "hedge": d.amount.hedge if d.amount else None,
        "evidence": _evidence(text, d.span),
    }
