"""A match's reasons said in sentences, in English and Chinese."""

from decimal import Decimal

from django.utils import translation

from investledger.matching import explain, scoring

BN = Decimal("1000000000")
TAXONOMY = scoring.Taxonomy({1: None, 2: 1})
WEIGHTS = {r: Decimal(10) for r in scoring.REASONS}
SECTORS = {1: "NEV", 2: "Battery cells"}


def match():
    opportunity = scoring.Opportunity(1, frozenset({2}), 30 * BN, "/1/2/", "ppp", "")
    profile = scoring.Profile(9, frozenset({1}), BN, 10 * BN, ("/1/",), frozenset({"equity"}))
    history = scoring.History(3, 9 * BN, 1, 2 * BN)
    return scoring.score(opportunity, profile, history=history, weights=WEIGHTS, taxonomy=TAXONOMY)


def test_each_reason_is_said_with_its_facts():
    said = {s.reason: s for s in explain.explain(match(), SECTORS)}
    assert (
        said["sector"].sentence
        == "Same industry chain: the investor looks for NEV, the opportunity is in Battery cells."
    )
    assert said["size"].sentence == "RMB 30.00 bn is above the investor's largest ticket, RMB 10.00 bn."
    assert said["mode"].sentence == "PPP or franchise is not among the investor's preferred modes."
    assert said["history"].sentence == "3 projects in the city (RMB 9.00 bn), 1 of them in this area (RMB 2.00 bn)."
    assert said["region"].label == "Region preference"


def test_the_reasons_read_in_chinese():
    with translation.override("zh-hans"):
        said = {s.reason: s for s in explain.explain(match(), SECTORS)}
    assert said["size"].sentence == "300.00亿元高于投资方的最大投资额100.00亿元。"
    assert said["sector"].label == "产业契合"


def test_one_project_in_the_city_is_said_in_the_singular():
    opportunity = scoring.Opportunity(1, frozenset({2}), 30 * BN, "/1/2/", "ppp", "")
    profile = scoring.Profile(9, frozenset({1}), BN, 10 * BN, ("/1/",), frozenset({"equity"}))
    for history, sentence in (
        (scoring.History(1, BN, 1, BN), "1 project in the city (RMB 1.00 bn), 1 of them in this area (RMB 1.00 bn)."),
        (scoring.History(1, BN, 0, Decimal(0)), "1 project in the city (RMB 1.00 bn), none in this area."),
    ):
        found = scoring.score(opportunity, profile, history=history, weights=WEIGHTS, taxonomy=TAXONOMY)
        said = {s.reason: s for s in explain.explain(found, SECTORS)}
        assert said["history"].sentence == sentence
