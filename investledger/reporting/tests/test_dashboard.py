"""The dashboard: what each reader sees, and that it agrees with /api/metrics/ and the hand computation."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.reporting.models import RankingWeight, metric_choices

pytestmark = pytest.mark.django_db


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


class TestDashboard:
    def test_it_shows_every_key_figure_with_its_cohort_and_as_of(self, client, ledger, personas, today):
        response = get(client, personas.leader, reverse("reporting:dashboard"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "as of 2024-06-30" in html
        assert "all signed projects in your scope" in html
        assert 'id="dashboard-charts"' in html
        for chart in ("by-sector", "by-area", "by-event", "by-month", "funnel", "ranking"):
            assert f'data-chart="{chart}"' in html
            assert f'data-table="{chart}"' in html  # the same figures without JavaScript

    def test_it_agrees_with_the_api_and_the_hand_computation(self, client, ledger, personas, today):
        response = get(client, personas.admin, reverse("reporting:dashboard"))
        board, html = response.context["board"], response.content.decode()
        api = get(client, personas.admin, reverse("metrics-list")).json()["results"]
        by_key = {entry["key"]: entry for entry in api}
        assert set(board.kpis) <= set(by_key)
        for key, result in board.kpis.items():
            shown = result.as_dict()
            for part in ("value", "numerator", "denominator", "cohort", "as_of", "available"):
                assert by_key[key][part] == shown[part], (key, part)
            # and the page prints that same value in the figure's card
            card = html.split(f'data-metric="{key}"', 1)[1]
            assert f'data-value="{"" if result.value is None else result.value}"' in card[:400]
        # By hand (conftest table): 5 projects, RMB 6.8 bn, 2 of 5 started.
        assert by_key["signed_count"]["value"] == 5
        assert by_key["signed_value"]["value"] == "6800000000.00"
        assert (by_key["start_rate_signed"]["numerator"], by_key["start_rate_signed"]["denominator"]) == (2, 5)

    def test_chart_data_adds_up_to_the_key_figures(self, client, ledger, personas, today):
        board = get(client, personas.admin, reverse("reporting:dashboard")).context["board"]
        charts = {c.id: c for c in board.charts}
        by_sector = charts["by-sector"].spec()
        assert sum(by_sector["series"][1]["data"]) == 5
        assert sum(by_sector["series"][0]["data"]) == pytest.approx(68.0)  # 亿元
        assert charts["funnel"].spec()["series"][0]["data"] == [5, 3, 2, 1, 1]

    def test_each_chart_element_links_to_the_filtered_ledger(self, client, ledger, personas, reference_data, today):
        board = get(client, personas.admin, reverse("reporting:dashboard")).context["board"]
        charts = {c.id: c for c in board.charts}
        sector = charts["by-sector"]
        index = sector.categories.index("Food processing")
        assert sector.links[index].endswith(f"?sector={reference_data.food.pk}")
        assert any(link.endswith(f"?area={reference_data.north.pk}") for link in charts["by-area"].links)
        assert "stage=started" in charts["funnel"].links[2] and "stage=full_output" in charts["funnel"].links[2]
        assert charts["by-month"].links[0].endswith("signed_from=2022-08-01&signed_to=2022-08-31")

    def test_a_district_officer_sees_only_their_district(self, client, ledger, personas, reference_data, today):
        response = get(client, personas.officer_north, reverse("reporting:dashboard"))
        board = response.context["board"]
        assert board.root == reference_data.north
        assert board.kpis["signed_count"].value == 3
        assert board.kpis["signed_value"].value == Decimal("3500000000.00")
        html = response.content.decode()
        assert "South District" not in html
        assert [c.pk for c in board.children] == [reference_data.north_park.pk]

    def test_the_area_view_of_another_district_is_not_found(self, client, ledger, personas, reference_data, today):
        response = get(client, personas.officer_north, reverse("reporting:dashboard"), area=reference_data.south.pk)
        assert response.status_code == 404

    def test_the_area_view_narrows_a_city_wide_reader(self, client, ledger, personas, reference_data, today):
        board = get(client, personas.supervisor, reverse("reporting:dashboard"), area=reference_data.south.pk).context[
            "board"
        ]
        assert board.kpis["signed_count"].value == 2
        assert board.root == reference_data.south

    def test_a_user_without_a_role_is_refused(self, client, ledger, personas, today):
        assert get(client, personas.stranger, reverse("reporting:dashboard")).status_code == 403
        assert get(client, personas.stranger, reverse("metrics-list")).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, ledger, today):
        assert client.get(reverse("reporting:dashboard")).status_code == 302

    def test_a_bad_date_is_named(self, client, ledger, personas, today):
        response = get(client, personas.admin, reverse("reporting:dashboard"), signed_from="2024-13-01")
        assert response.status_code == 400
        assert "Signed from" in response.content.decode()

    def test_as_of_in_the_past_shows_the_ledger_of_that_day(self, client, ledger, personas, today):
        board = get(client, personas.admin, reverse("reporting:dashboard"), as_of="2023-01-01").context["board"]
        assert board.kpis["signed_count"].value == 4
        assert board.kpis["start_rate_signed"].numerator == 0

    def test_the_ranking_uses_the_weights_the_bureau_set(self, client, ledger, personas, reference_data, today):
        from investledger.reporting.models import RankingWeight

        RankingWeight.objects.create(metric="signed_count", weight=1)
        board = get(client, personas.admin, reverse("reporting:dashboard")).context["board"]
        ranking = [(line.area.pk, line.score) for line in board.ranking]
        # North has 3 projects, South 2: North scores 100, South 2/3 of it.
        assert ranking == [(reference_data.north.pk, Decimal("100.0")), (reference_data.south.pk, Decimal("66.7"))]
        RankingWeight.objects.create(metric="fulfilment_rate", weight=1)
        board = get(client, personas.admin, reverse("reporting:dashboard")).context["board"]
        # North: (100 + 100) / 2; South: (66.7 + 50) / 2
        assert [line.score for line in board.ranking] == [Decimal("100.0"), Decimal("58.3")]

    @pytest.mark.parametrize("key", [key for key, _label in metric_choices()])
    def test_any_figure_the_bureau_may_weigh_ranks_the_areas(self, client, ledger, personas, today, key):
        RankingWeight.objects.create(metric=key, weight=1)
        for path in ("reporting:dashboard", "reporting:monthly_report"):
            response = get(client, personas.admin, reverse(path))
            assert response.status_code == 200, (key, path)
        board = get(client, personas.admin, reverse("reporting:dashboard")).context["board"]
        assert board.ranking and all(Decimal("0") <= line.score <= Decimal("100") for line in board.ranking), key


class TestMetricApi:
    def test_it_filters_by_cohort_and_as_of(self, client, ledger, personas, reference_data, today):
        data = get(
            client, personas.admin, reverse("metrics-list"), sector=reference_data.ev.pk, as_of="2023-12-31"
        ).json()
        by_key = {e["key"]: e for e in data["results"]}
        assert by_key["signed_count"]["value"] == 2
        assert by_key["signed_count"]["as_of"] == "2023-12-31"
        assert "Smart connected NEV" in by_key["signed_count"]["cohort"]
        assert by_key["start_rate_due"]["variant"] == "due basis"
        assert by_key["signed_value"]["names"]["zh-hans"]

    def test_one_metric(self, client, ledger, personas, today):
        data = get(client, personas.officer_south, reverse("metrics-detail", args=["fulfilment_rate"])).json()
        assert (data["numerator"], data["denominator"], data["value"]) == (1, 2, "0.5000")

    def test_bad_parameters_are_named(self, client, ledger, personas, today):
        response = get(
            client, personas.admin, reverse("metrics-list"), signed_from="2024-05-01", signed_to="2024-01-01"
        )
        assert response.status_code == 400
        assert "signed_to" in response.json()
        assert get(client, personas.admin, reverse("metrics-list"), metric="nonsense").status_code == 400


class TestRegistryPage:
    def test_it_defines_each_figure_in_english_and_chinese(self, client, ledger, personas, today):
        html = get(client, personas.leader, reverse("reporting:metric_list")).content.decode()
        assert "Start rate" in html and "due basis" in html
        assert "开工率" in html
        assert 'id="metric-funds_in_place_rate"' in html
