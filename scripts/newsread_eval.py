#!/usr/bin/env python3
"""Score the press-release reader on its development set (and the source documents, when present).

usage: .venv/bin/python scripts/newsread_eval.py [--split tune|heldout|all] [--per-doc] [--seeds DIR]

Prints precision, recall and F1 of deals, amounts and aggregates per language and overall, for
each part of investledger/newsread/devset (tuning, held-out, blind: see its README), and the deals proposed on
documents labelled with none (invented deals). Matching follows the corpus rules
(investledger/newsread/scoring.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from investledger.newsread import propose  # noqa: E402
from investledger.newsread.scoring import Tally, amounts_match, investors_match  # noqa: E402

DEVSET = ROOT / "investledger" / "newsread" / "devset"
SEEDS = next(
    (p for p in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus") if p.exists()),
    ROOT.parent / "shared" / "corpus",
)


def load(labels: Path, docs: Path) -> list[tuple[dict, dict]]:
    pairs = []
    for line in labels.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        path = next(docs.glob(f"{gold['id']}.*"))
        pairs.append((gold, propose(path.read_bytes(), str(path))))
    return pairs


def report(title: str, pairs: list[tuple[dict, dict]], per_doc: bool) -> None:
    print(f"\n## {title}")
    groups: dict[str, list[tuple[dict, dict]]] = {}
    for gold, pred in pairs:
        groups.setdefault(gold.get("lang", "en"), []).append((gold, pred))
    groups["all"] = pairs
    for name, group in groups.items():
        tally = Tally()
        for gold, pred in group:
            tally.add(gold, pred)
        print(f"{name:<4} docs {len(group):>3}  no-deal docs {tally.no_deal_docs:>2}  invented deals {tally.invented}")
        for kind, (p, r, f) in tally.f1s().items():
            tp, npred, ngold = tally.counts[kind]
            print(
                f"     {kind:<10} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  (tp {tp}, proposed {npred}, labelled {ngold})"
            )
        print(f"     overall F1 {tally.overall():.3f}")
    if per_doc:
        for gold, pred in pairs:
            _explain(gold, pred)


def _explain(gold: dict, pred: dict) -> None:
    def amt(x):
        a = x.get("amount")
        if isinstance(a, dict):
            return (a["value"], a["currency"])
        return None if a is None else (a, x.get("currency"))

    gd = [(d["investor"], amt(d)) for d in gold["deals"]]
    pd = [(d["investor"], amt(d)) for d in pred["deals"]]
    ga = [(a["project_count"], amt(a)) for a in gold["aggregates"]]
    pa = [(a["project_count"], amt(a)) for a in pred["aggregates"]]
    missed_d = [g for g in gd if not any(investors_match(g[0], p[0]) and amounts_match(g[1], p[1]) for p in pd)]
    extra_d = [p for p in pd if not any(investors_match(g[0], p[0]) and amounts_match(g[1], p[1]) for g in gd)]
    missed_a = [g for g in ga if not any(g[0] == p[0] and amounts_match(g[1], p[1]) for p in pa)]
    extra_a = [p for p in pa if not any(g[0] == p[0] and amounts_match(g[1], p[1]) for g in ga)]
    if missed_d or extra_d or missed_a or extra_a:
        print(
            f"  {gold['id']}: missed deals {missed_d} extra deals {extra_d} missed aggs {missed_a} extra aggs {extra_a}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("tune", "heldout", "blind", "all"), default="all")
    parser.add_argument("--per-doc", action="store_true", help="list what each document missed or added")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the corpus folder with seed-labels.jsonl and seeds/")
    args = parser.parse_args()
    pairs = load(DEVSET / "labels.jsonl", DEVSET / "docs")
    for split in ("tune", "heldout", "blind"):
        if args.split in (split, "all"):
            report(f"development set, {split} half", [p for p in pairs if p[0]["split"] == split], args.per_doc)
    if (args.seeds / "seed-labels.jsonl").exists():
        report("source documents (seeds)", load(args.seeds / "seed-labels.jsonl", args.seeds / "seeds"), args.per_doc)
    else:
        print(f"\n(source documents not found at {args.seeds}: skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
