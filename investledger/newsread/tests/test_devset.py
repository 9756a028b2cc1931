"""The development set: every proposal fits the schema; the reader keeps its measured quality."""

import json
from pathlib import Path

import pytest

from investledger.newsread import propose
from investledger.newsread.scoring import Tally
from investledger.newsread.tests.test_newsread import valid

DEVSET = Path(__file__).resolve().parents[1] / "devset"
LABELS = [
    json.loads(line) for line in (DEVSET / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
]
PROPOSALS = {
    gold["id"]: propose((DEVSET / "docs" / f"{gold['id']}.txt").read_bytes(), f"{gold['id']}.txt") for gold in LABELS
}


def test_the_development_set_has_both_languages_traditional_chinese_and_no_deal_documents_in_each_part():
    for split in ("tune", "heldout", "blind"):
        part = [g for g in LABELS if g["split"] == split]
        assert {g["lang"] for g in part} == {"en", "zh"}
        assert any(g["traditional"] for g in part)
        assert any(not g["deals"] for g in part)
        assert all(g["source"].startswith("http") for g in part)


def test_every_development_proposal_fits_the_schema_and_its_evidence_is_where_its_spans_say():
    for gold in LABELS:
        proposal = valid(PROPOSALS[gold["id"]])
        text = (DEVSET / "docs" / f"{gold['id']}.txt").read_text(encoding="utf-8")
        for fact in proposal["deals"] + proposal["aggregates"]:
            start, end = fact["evidence"]["span"]
            assert text[start:end] == fact["evidence"]["text"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_reader_keeps_its_quality_on_the_development_set_and_invents_no_deal(lang):
    tally = Tally()
    for gold in LABELS:
        if gold["lang"] == lang:
            tally.add(gold, PROPOSALS[gold["id"]])
    assert tally.overall() >= 0.85
    assert tally.invented == 0
