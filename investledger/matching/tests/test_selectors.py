"""Candidates chosen in the database, scored in Python: the reader's scope, the sector chain, the size band."""

from decimal import Decimal

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.investors.services import profile_save
from investledger.matching import scoring, selectors
from investledger.reference.models import Sector
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")
SOURCE = {"text": "Interview", "on": "2023-04-12"}
SOURCED = {fact: SOURCE for fact in ("sectors", "ticket", "regions", "modes", "plans")}


def profiled(name, *, sectors, low=None, high=None, regions=(), modes=(), plans=""):
    investor = make_investor(name)
    with audit_context(source="test"):
        profile_save(
            investor=investor,
            fields={
                "ticket_min_cny": low,
                "ticket_max_cny": high,
                "modes": list(modes),
                "plans": plans,
                "sources": SOURCED,
            },
            sectors=[s.pk for s in sectors],
            regions=[a.pk for a in regions],
        )
    return investor


def opportunity(ref, sector, amount=5 * BN, area=None, mode="equity"):
    area = area or ref.north
    return scoring.Opportunity(1, frozenset({sector.pk}), amount, area.path, mode, "battery plant")


@pytest.fixture
def investors(reference_data):
    ref = reference_data
    cells = Sector.objects.create(code="ev-cells", name="动力电池", name_en="Battery cells", parent=ref.ev)
    return {
        "fit": profiled("Full fit", sectors=[ref.ev], low=BN, high=10 * BN, regions=[ref.north], modes=["equity"]),
        "chain": profiled("Same chain", sectors=[cells], low=BN, high=10 * BN),
        "far": profiled("Other sector", sectors=[ref.food], low=BN, high=10 * BN),
        "small": profiled("Too small", sectors=[ref.ev], low=BN / 100, high=BN / 10),
        "cells": cells,
    }


def test_it_ranks_the_investors_of_the_chain_with_their_reasons(personas, reference_data, investors):
    matches = selectors.investors_for(opportunity(reference_data, reference_data.ev), personas.admin)
    assert [m.investor_id for m in matches] == [investors["fit"].pk, investors["chain"].pk]
    best = {p.reason: p for p in matches[0].parts}
    assert best["sector"].kind == "same" and best["size"].kind == "inside" and best["region"].kind == "inside"
    assert sum(p.points for p in matches[0].parts) == matches[0].score


def test_an_investor_with_projects_in_the_area_is_a_candidate_whatever_its_sectors(personas, reference_data, investors):
    make_project(area=reference_data.north_park, sector=reference_data.food, investor=investors["far"], value=2 * BN)
    matches = selectors.investors_for(opportunity(reference_data, reference_data.ev), personas.admin)
    far = next(m for m in matches if m.investor_id == investors["far"].pk)
    history = {p.reason: p for p in far.parts}["history"]
    assert history.kind == "in_area" and history.facts["area_projects"] == 1 and history.facts["area_value"] == 2 * BN


def test_it_leaves_out_the_investors_a_district_officer_may_not_see(personas, reference_data, investors):
    make_project(area=reference_data.south, sector=reference_data.ev, investor=investors["fit"])
    north = {
        m.investor_id
        for m in selectors.investors_for(opportunity(reference_data, reference_data.ev), personas.officer_north)
    }
    south = {
        m.investor_id
        for m in selectors.investors_for(opportunity(reference_data, reference_data.ev), personas.officer_south)
    }
    assert investors["fit"].pk not in north and investors["chain"].pk in north
    assert investors["fit"].pk in south


def test_history_counts_only_the_projects_the_reader_may_see(personas, reference_data, investors):
    make_project(area=reference_data.south, sector=reference_data.ev, investor=investors["chain"])
    as_admin = selectors.histories([investors["chain"].pk], personas.admin, reference_data.north.path)
    as_north = selectors.histories([investors["chain"].pk], personas.officer_north, reference_data.north.path)
    assert as_admin[investors["chain"].pk].city_projects == 1
    assert investors["chain"].pk not in as_north


def test_the_size_band_keeps_tickets_within_a_factor_of_four(reference_data):
    assert selectors.size_band_q(None, "lo", "hi").children == []
    rendered = str(selectors.size_band_q(4 * BN, "lo", "hi"))
    assert "1000000000" in rendered and "16000000000" in rendered
