"""The registry's figures against a hand computation on the small ledger (see conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import METRICS, REGISTRY, compute_all

pytestmark = pytest.mark.django_db
BN = Decimal("1000000000")


def values(user, cohort=None, as_of=None):
    return compute_all(user, cohort or Cohort(), as_of)


class TestRegistry:
    def test_it_defines_every_figure_of_the_domain_once(self):
        keys = [m.key for m in METRICS]
        assert len(keys) == len(set(keys))
        for key in (
            "signed_value",
            "outside_money",
            "fulfilment_rate",
            "landing_rate",
            "start_rate_signed",
            "start_rate_due",
            "production_rate",
            "funds_in_place_rate",
            "large_share_count",
            "large_share_value",
            "emerging_share_value",
            "emerging_share_count",
            "issue_resolution_rate",
        ):
            assert key in REGISTRY

    def test_it_names_both_start_rate_variants(self):
        assert str(REGISTRY["start_rate_signed"].variant) == "signed basis"
        assert str(REGISTRY["start_rate_due"].variant) == "due basis"


class TestHandComputation:
    def test_city_figures_match_the_hand_computation(self, ledger, personas, today):
        r = values(personas.admin, as_of=today)
        assert r["signed_count"].value == 5
        assert r["signed_value"].value == Decimal("6800000000.00")
        assert r["outside_money"].value == Decimal("200000000.00")
        assert (r["fulfilment_rate"].numerator, r["fulfilment_rate"].denominator) == (4, 5)
        assert r["fulfilment_rate"].value == Decimal("0.8000")
        assert (r["landing_rate"].numerator, r["landing_rate"].denominator) == (3, 5)
        assert (r["start_rate_signed"].numerator, r["start_rate_signed"].denominator) == (2, 5)
        # due basis: N1, N2 and S1 were due to start by 2024-06-30; only N1 started.
        assert (r["start_rate_due"].numerator, r["start_rate_due"].denominator) == (1, 3)
        assert r["start_rate_due"].value == Decimal("0.3333")
        assert (r["production_rate"].numerator, r["production_rate"].denominator) == (1, 5)
        assert (r["large_share_count"].numerator, r["large_share_count"].denominator) == (3, 5)
        assert r["large_share_value"].numerator == 6 * BN
        assert r["large_share_value"].value == (Decimal("6") / Decimal("6.8")).quantize(Decimal("0.0001"))
        assert r["emerging_share_value"].numerator == Decimal("2800000000.00")
        assert r["emerging_share_value"].value == Decimal("0.4118")
        assert (r["emerging_share_count"].numerator, r["emerging_share_count"].denominator) == (3, 5)

    def test_every_figure_states_its_cohort_and_as_of_date(self, ledger, personas, today):
        for result in values(personas.admin, as_of=today).values():
            assert result.as_of == today
            assert result.cohort

    def test_a_cohort_by_event_counts_projects_first_signed_there(self, ledger, personas, today):
        r = values(personas.admin, Cohort(event=ledger.event), today)
        assert r["signed_count"].value == 4
        assert r["signed_value"].value == Decimal("6500000000.00")

    def test_a_cohort_by_area_includes_sub_areas(self, ledger, personas, reference_data, today):
        r = values(personas.admin, Cohort(area=reference_data.north), today)
        assert r["signed_count"].value == 3
        assert r["signed_value"].value == Decimal("3500000000.00")

    def test_a_cohort_by_period_uses_the_signing_date(self, ledger, personas, today):
        r = values(personas.admin, Cohort(signed_from=dt.date(2023, 1, 1), signed_to=dt.date(2023, 12, 31)), today)
        assert r["signed_count"].value == 1
        assert r["signed_value"].value == Decimal("300000000.00")

    def test_a_cohort_by_sector(self, ledger, personas, reference_data, today):
        r = values(personas.admin, Cohort(sector=reference_data.food), today)
        assert r["signed_count"].value == 2
        assert r["emerging_share_count"].value == Decimal("0")

    def test_an_empty_cohort_gives_no_rate_rather_than_zero(self, ledger, personas, reference_data, today):
        r = values(personas.admin, Cohort(signed_from=dt.date(2030, 1, 1)), today)
        assert r["signed_count"].value == 0
        assert r["landing_rate"].value is None


class TestScope:
    def test_a_district_officer_counts_only_their_district(self, ledger, personas, today):
        r = values(personas.officer_north, as_of=today)
        assert r["signed_count"].value == 3
        assert r["signed_value"].value == Decimal("3500000000.00")

    def test_a_park_officer_counts_only_their_park(self, ledger, personas, today):
        r = values(personas.officer_park, as_of=today)
        assert r["signed_count"].value == 2

    def test_a_user_without_a_role_counts_nothing(self, ledger, personas, today):
        assert values(personas.stranger, as_of=today)["signed_count"].value == 0


class TestAsOf:
    def test_it_reconstructs_stages_from_the_audit_trail(self, ledger, personas, today):
        r = values(personas.admin, as_of=dt.date(2023, 1, 1))
        # S2 was not signed yet; N2 was registered; nobody had started; S1 not terminated yet.
        assert r["signed_count"].value == 4
        assert (r["landing_rate"].numerator, r["landing_rate"].denominator) == (1, 4)
        assert r["start_rate_signed"].numerator == 0
        assert r["fulfilment_rate"].numerator == 4
        assert (r["start_rate_due"].numerator, r["start_rate_due"].denominator) == (0, 1)

    def test_a_stage_change_counts_from_its_day(self, ledger, personas, today):
        before = values(personas.admin, as_of=dt.date(2023, 3, 14))["start_rate_signed"].numerator
        on_the_day = values(personas.admin, as_of=dt.date(2023, 3, 15))["start_rate_signed"].numerator
        assert (before, on_the_day) == (0, 1)

    def test_a_report_as_of_a_past_date_does_not_change_when_the_ledger_moves_on(self, ledger, personas, today):
        from investledger.core import clock
        from investledger.core.audit import audit_context
        from investledger.ledger.projects.services import project_set_stage

        before = values(personas.admin, as_of=dt.date(2023, 12, 31))
        with audit_context(actor=None, source="test"), clock.frozen_at(today):
            project_set_stage(project=ledger.s2, stage="started")
        after = values(personas.admin, as_of=dt.date(2023, 12, 31))
        assert {k: r.value for k, r in before.items()} == {k: r.value for k, r in after.items()}
        assert values(personas.admin, as_of=today)["start_rate_signed"].numerator == 3

    def test_a_changed_amount_is_reported_as_it_stood(self, ledger, personas, today):
        from investledger.core import clock
        from investledger.core.audit import audit_context
        from investledger.ledger.projects.services import project_update

        with audit_context(actor=None, source="test"), clock.frozen_at(today):
            project_update(project=ledger.n1, fields={"contract_value": 4 * BN})
        assert values(personas.admin, as_of=dt.date(2024, 1, 1))["signed_value"].value == Decimal("6800000000.00")
        assert values(personas.admin, as_of=today)["signed_value"].value == Decimal("8800000000.00")


class TestNotAvailable:
    def test_figures_of_other_apps_say_whether_they_are_available(self, ledger, personas, today):
        r = values(personas.admin, as_of=today)
        for key in ("funds_in_place_rate", "issue_resolution_rate"):
            if not r[key].available:
                assert r[key].value is None
                assert "Not available yet" in r[key].note
