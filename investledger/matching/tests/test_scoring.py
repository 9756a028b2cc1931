"""The score of a match and its reasons: pure functions, checked over many generated inputs."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from investledger.matching import scoring
from investledger.matching.scoring import History, Opportunity, Profile, Taxonomy

# Two chains: 1 (with parts 2 and 3, and 4 under 3) and 5 (with part 6); 7 stands alone.
TAXONOMY = Taxonomy({1: None, 2: 1, 3: 1, 4: 3, 5: None, 6: 5, 7: None})
WEIGHTS = {"sector": Decimal(35), "size": Decimal(20), "region": Decimal(15), "mode": Decimal(10), "history": Decimal(15), "text": Decimal(5)}  # fmt: skip
BN = Decimal("1000000000")
PATHS = ("/1/", "/1/2/", "/1/2/5/", "/1/3/", "/1/3/8/")
MODES = ("equity", "ppp", "lease", "sale", "joint")


def opportunity(**kw):
    base = {"id": 1, "sector_ids": frozenset({2}), "amount_cny": 5 * BN, "area_path": "/1/2/", "mode": "equity"}
    return Opportunity(**(base | kw))


def profile(**kw):
    base = {
        "investor_id": 9,
        "sector_ids": frozenset({2}),
        "ticket_min": BN,
        "ticket_max": 10 * BN,
        "region_paths": ("/1/2/",),
        "modes": frozenset({"equity"}),
    }
    return Profile(**(base | kw))


def parts(match):
    return {p.reason: p for p in match.parts}


def test_a_full_fit_scores_every_weight_but_text_and_history():
    match = scoring.score(opportunity(), profile(), history=History(), weights=WEIGHTS, taxonomy=TAXONOMY)
    assert match.score == Decimal(80)
    assert parts(match)["history"].kind == "none" and parts(match)["text"].kind == "no_text"


def test_sector_fit_is_same_sector_then_same_chain_then_neighbour():
    def fit(mine, theirs):
        return scoring.sector_fit(
            opportunity(sector_ids=frozenset(mine)), profile(sector_ids=frozenset(theirs)), TAXONOMY
        )

    assert fit({2}, {2})[:2] == (Decimal(1), "same")
    assert fit({4}, {1})[:2] == (Decimal("0.6"), "chain")
    assert fit({2}, {4})[:2] == (Decimal("0.3"), "neighbour")
    assert fit({2}, {6})[:2] == (Decimal(0), "none")
    assert fit({2}, set())[:2] == (Decimal(0), "not_stated")
    assert fit({2, 6}, {5})[:2] == (Decimal("0.6"), "chain")


def test_size_fit_falls_with_the_distance_from_the_ticket_range():
    def fit(amount, low=BN, high=10 * BN):
        return scoring.size_fit(opportunity(amount_cny=amount), profile(ticket_min=low, ticket_max=high))[:2]

    assert fit(5 * BN) == (Decimal(1), "inside")
    assert fit(BN / 2) == (Decimal("0.5"), "below")
    assert fit(40 * BN) == (Decimal("0.25"), "above")
    assert fit(None) == (Decimal(0), "unknown")
    assert fit(5 * BN, None, None) == (Decimal(0), "unknown")
    assert fit(50 * BN, None, None)[1] == "unknown"
    assert fit(50 * BN, BN, None) == (Decimal(1), "inside")


def test_region_fit_reads_the_area_tree():
    def fit(paths, where="/1/2/"):
        return scoring.region_fit(opportunity(area_path=where), profile(region_paths=paths))[:2]

    assert fit(("/1/",)) == (Decimal(1), "inside")
    assert fit(("/1/2/5/",)) == (Decimal("0.5"), "near")
    assert fit(("/1/3/",)) == (Decimal(0), "elsewhere")
    assert fit(()) == (Decimal(0), "not_stated")


def test_history_counts_projects_in_the_city_and_more_in_the_same_area():
    assert scoring.history_fit(History(city_projects=3))[:2] == (Decimal("0.4"), "in_city")
    assert scoring.history_fit(History(city_projects=1, area_projects=1))[:2] == (Decimal("0.43"), "in_area")
    assert scoring.history_fit(History(city_projects=5, area_projects=2))[:2] == (Decimal(1), "in_area")


def test_text_similarity_compares_the_descriptions():
    same = scoring.text_fit(opportunity(text="battery cell plant"), profile(text="plant for battery cells"))
    other = scoring.text_fit(opportunity(text="battery cell plant"), profile(text="theme park hotel"))
    assert same[0] > other[0]
    assert scoring.text_fit(opportunity(), profile())[1] == "no_text"


def test_a_weight_of_zero_leaves_its_reason_out():
    match = scoring.score(
        opportunity(text="battery"),
        profile(text="battery"),
        history=History(),
        weights=WEIGHTS | {"text": Decimal(0)},
        taxonomy=TAXONOMY,
    )
    assert parts(match)["text"].points == 0 and parts(match)["text"].kind == "off"


def test_ranking_puts_the_best_first_and_keeps_ties_in_a_stable_order():
    a = scoring.Match(1, 3, Decimal(10), ())
    b = scoring.Match(1, 2, Decimal(10), ())
    c = scoring.Match(1, 1, Decimal(50), ())
    assert [m.investor_id for m in scoring.ranked([a, b, c])] == [1, 2, 3]
    assert len(scoring.ranked([a, b, c], limit=2)) == 2


amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**14, places=2, allow_nan=False))
sector_sets = st.frozensets(st.sampled_from(sorted(TAXONOMY.parents)), max_size=3)
weights = st.fixed_dictionaries(
    {r: st.decimals(min_value=0, max_value=100, places=1, allow_nan=False) for r in scoring.REASONS}
)


@st.composite
def inputs(draw):
    low, high = draw(amounts), draw(amounts)
    if low is not None and high is not None and low > high:
        low, high = high, low
    opp = Opportunity(
        id=1,
        sector_ids=draw(sector_sets),
        amount_cny=draw(amounts),
        area_path=draw(st.sampled_from(PATHS)),
        mode=draw(st.sampled_from(MODES)),
        text=draw(st.text(max_size=40)),
    )
    prof = Profile(
        investor_id=2,
        sector_ids=draw(sector_sets),
        ticket_min=low,
        ticket_max=high,
        region_paths=tuple(draw(st.lists(st.sampled_from(PATHS), max_size=3))),
        modes=draw(st.frozensets(st.sampled_from(MODES))),
        text=draw(st.text(max_size=40)),
    )
    city = draw(st.integers(min_value=0, max_value=20))
    history = History(city_projects=city, area_projects=draw(st.integers(min_value=0, max_value=city)))
    return opp, prof, history


@settings(max_examples=500, deadline=None)
@given(inputs(), weights)
def test_the_reasons_add_up_exactly_to_the_score(case, weights):
    opp, prof, history = case
    match = scoring.score(opp, prof, history=history, weights=weights, taxonomy=TAXONOMY)
    assert sum(p.points for p in match.parts) == match.score
    assert [p.reason for p in match.parts] == list(scoring.REASONS)
    for part in match.parts:
        assert 0 <= part.fit <= 1
        assert 0 <= part.points <= weights[part.reason]
    assert 0 <= match.score <= sum(weights.values())
