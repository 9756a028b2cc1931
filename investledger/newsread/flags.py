"""What a careful analyst would query in a release: each flag with its code, a message and a span.

The message is English; `params` hold its figures, so that an application can say it in its own
language from the code (investledger's intake does, in English and Chinese).
"""

from __future__ import annotations

from typing import Any

from investledger.newsread import rates
from investledger.newsread.extract import Facts

TOLERANCE = 0.15  # a stated conversion more than 15 % off the rate of the year is flagged


def _money(value: float, currency: str) -> str:
    if value >= 1e9:
        return f"{currency} {value / 1e9:,.2f} bn"
    return f"{currency} {value / 1e6:,.1f} m"


def _conversion(item: dict[str, Any], year: int | None) -> dict[str, Any] | None:
    amount = item.get("amount")
    if not amount or "stated_conversion" not in amount:
        return None
    stated = amount["stated_conversion"]
    cur, to = amount["currency"], stated["currency"]
    a, b = rates.rate(cur, year), rates.rate(to, year)
    if not a or not b or cur == to:
        return None
    expected = amount["value"] * a[0] / b[0]
    if expected <= 0 or abs(stated["value"] / expected - 1) <= TOLERANCE:
        return None
    return {
        "code": "conversion_inconsistent",
        "message": (
            f"{_money(amount['value'], cur)} is about {_money(expected, to)} at the {a[1] or b[1]} rate, "
            f"not {_money(stated['value'], to)} as stated."
        ),
        "params": {
            "amount": _money(amount["value"], cur),
            "expected": _money(expected, to),
            "year": a[1] or b[1],
            "stated": _money(stated["value"], to),
        },
        "span": [amount["span"][0], stated["span"][1] + 1],
    }


def flags_of(
    facts: Facts, proposal: dict[str, Any], text: str, year: int | None, default_currency: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in proposal["deals"] + proposal["aggregates"]:
        flag = _conversion(item, year)
        if flag:
            out.append(flag)
        amount = item.get("amount")
        hedge = item.get("hedge")
        if hedge and amount:
            out.append(
                {
                    "code": "hedged",
                    "message": f"The figure is hedged ({hedge}): the amount is approximate.",
                    "params": {"hedge": hedge},
                    "span": amount["span"],
                }
            )
    out.extend(_parts(proposal))
    for loose in facts.loose:
        out.append(
            {
                "code": "amount_without_investor",
                "message": f"{_money(loose.amount.value, loose.amount.currency or default_currency)} is stated with no investor and is not a total.",
                "params": {"amount": _money(loose.amount.value, loose.amount.currency or default_currency)},
                "span": [loose.amount.start, loose.amount.end],
            }
        )
    return out


def _parts(proposal: dict[str, Any]) -> list[dict[str, Any]]:
    """Parts adding to more than the whole: breakdowns (fewer projects) summing past the largest total."""
    aggs = [a for a in proposal["aggregates"] if a["amount"] and a["amount"]["cny_value"] is not None]
    counted = [a for a in aggs if a["project_count"]]
    if len(counted) < 2:
        return []
    whole = max(counted, key=lambda a: (a["project_count"], a["amount"]["cny_value"]))
    parts = [
        a
        for a in counted
        if a is not whole
        and a["project_count"] < whole["project_count"]
        and a["amount"]["cny_value"] <= whole["amount"]["cny_value"]
    ]
    if len(parts) < 2:
        return []
    total = sum(a["amount"]["cny_value"] for a in parts)
    count = sum(a["project_count"] for a in parts)
    out = []
    if total > whole["amount"]["cny_value"] * 1.005:
        out.append(
            {
                "code": "parts_exceed_whole",
                "message": f"Breakdowns add up to CNY {total / 1e9:,.2f} bn, more than the total of CNY {whole['amount']['cny_value'] / 1e9:,.2f} bn.",
                "params": {
                    "what": "amount",
                    "parts": _money(total, "CNY"),
                    "whole": _money(whole["amount"]["cny_value"], "CNY"),
                },
                "span": whole["evidence"]["span"],
            }
        )
    if count > whole["project_count"]:
        out.append(
            {
                "code": "parts_exceed_whole",
                "message": f"Breakdowns add up to {count} projects, more than the total of {whole['project_count']}.",
                "params": {"what": "count", "parts": count, "whole": whole["project_count"]},
                "span": whole["evidence"]["span"],
            }
        )
    return out
