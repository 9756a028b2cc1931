"""Matches read through the API with their reasons, and dismissed or undone there or on an investor's page.

Tried by the owning district's officer, the other district's officer, a read-only leader, an anonymous
client and the administrator: what each is shown, what each may set aside, and what the trail keeps.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.matching import services
from investledger.matching.models import Dismissal
from investledger.matching.tests.test_opportunity_matches import opportunity_ids

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def investor_page(client, user, investor) -> str:
    client.force_login(user)
    response = client.get(reverse("investors:investor_detail", args=[investor.pk]))
    assert response.status_code == 200
    return response.content.decode()


def dismiss_url(opportunity, investor):
    return reverse("matching:match_dismiss", args=[opportunity.pk, investor.pk])


class InvestorPageDismissalTests:
    def test_an_officer_dismisses_an_opportunity_from_the_investors_page_and_comes_back_to_it(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        fit = investors["fit"]
        html = investor_page(client, personas.officer_north, fit)
        assert f'action="{dismiss_url(opportunity, fit)}"' in html
        response = client.post(dismiss_url(opportunity, fit), {"reason": "Building its own site", "back": "investor"})
        assert response.status_code == 302
        assert response.url == reverse("investors:investor_detail", args=[fit.pk]) + "#opportunity-matches"
        dismissal = Dismissal.objects.get()
        assert (dismissal.opportunity, dismissal.investor, dismissal.dismissed_by) == (
            opportunity,
            fit,
            personas.officer_north,
        )
        html = investor_page(client, personas.officer_north, fit)
        assert opportunity.pk not in opportunity_ids(html)
        listed = html.split('id="investor-dismissed-matches"', 1)[1].split("</table>", 1)[0]
        assert "Building its own site" in listed and "North battery plant" in listed and "Undo" in listed

        response = client.post(reverse("matching:match_restore", args=[dismissal.pk]), {"back": "investor"})
        assert response.url == reverse("investors:investor_detail", args=[fit.pk]) + "#opportunity-matches"
        assert not Dismissal.objects.exists()
        assert opportunity.pk in opportunity_ids(investor_page(client, personas.officer_north, fit))

    def test_a_refused_dismissal_keeps_the_way_back_to_the_investor(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        client.force_login(personas.officer_north)
        response = client.post(dismiss_url(opportunity, investors["fit"]), {"reason": " ", "back": "investor"})
        html = response.content.decode()
        assert response.status_code == 200 and not Dismissal.objects.exists()
        assert '<input type="hidden" name="back" value="investor">' in html
        assert reverse("investors:investor_detail", args=[investors["fit"].pk]) + "#opportunity-matches" in html

    def test_only_the_opportunities_the_reader_may_change_offer_a_dismissal(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        html = investor_page(client, personas.officer_south, investors["fit"])
        assert opportunity_ids(html) == [south_opportunity.pk]
        assert f'action="{dismiss_url(south_opportunity, investors["fit"])}"' in html
        assert dismiss_url(opportunity, investors["fit"]) not in html
        assert "dismiss-form" not in investor_page(client, personas.leader, investors["fit"])

    def test_another_districts_dismissal_is_not_listed_on_the_investors_page(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        with audit_context(actor=personas.admin, source="test"):
            services.match_dismiss(
                opportunity=opportunity, investor=investors["fit"], reason="North's own reason", user=personas.admin
            )
        html = investor_page(client, personas.officer_south, investors["fit"])
        assert "North&#x27;s own reason" not in html and "North's own reason" not in html
        assert 'id="investor-dismissed-matches"' not in html

    def test_a_back_address_is_never_taken_from_the_request(self, client, personas, opportunity, investors):
        client.force_login(personas.officer_north)
        response = client.post(
            dismiss_url(opportunity, investors["fit"]), {"reason": "x", "back": "https://evil.test/"}
        )
        assert response.url == reverse("opportunities:opportunity_detail", args=[opportunity.pk]) + "#matches"


class MatchApiTests:
    def test_it_ranks_the_investors_of_an_opportunity_with_reasons_adding_up_to_the_score(
        self, personas, opportunity, investors
    ):
        response = api(personas.admin).get("/api/matches/", {"opportunity": opportunity.pk})
        assert response.status_code == 200
        body = response.json()
        assert [m["investor"] for m in body] == [investors["fit"].pk, investors["south"].pk, investors["partly"].pk]
        for match in body:
            assert match["opportunity"] == opportunity.pk
            assert len(match["reasons"]) == 6
            assert sum(Decimal(r["points"]) for r in match["reasons"]) == Decimal(match["score"])
        assert body[0]["reasons"][0]["sentence"] == "Same sector: Smart connected NEV."

    def test_it_ranks_the_opportunities_of_an_investor_the_reader_may_see(
        self, personas, opportunity, south_opportunity, investors
    ):
        body = api(personas.officer_south).get("/api/matches/", {"investor": investors["fit"].pk}).json()
        assert [m["opportunity"] for m in body] == [south_opportunity.pk]
        assert api(personas.officer_north).get("/api/matches/", {"investor": investors["south"].pk}).status_code == 404

    def test_a_district_officer_is_shown_only_investors_in_their_view(self, personas, opportunity, investors):
        body = api(personas.officer_north).get("/api/matches/", {"opportunity": opportunity.pk}).json()
        assert [m["investor"] for m in body] == [investors["fit"].pk, investors["partly"].pk]

    def test_another_districts_opportunity_is_not_found_and_anonymous_is_refused(
        self, personas, opportunity, investors
    ):
        assert api(personas.officer_south).get("/api/matches/", {"opportunity": opportunity.pk}).status_code == 404
        assert api().get("/api/matches/", {"opportunity": opportunity.pk}).status_code in (401, 403)

    @pytest.mark.parametrize(
        "params",
        [{}, {"opportunity": "1", "investor": "1"}, {"opportunity": "<b>x</b>"}, {"opportunity": "1", "limit": "0"}],
    )
    def test_a_question_that_names_no_single_object_is_told_what_to_give(self, personas, params):
        response = api(personas.admin).get("/api/matches/", params)
        assert response.status_code == 400
        assert "<b>" not in response.content.decode()


class DismissalApiTests:
    def test_an_officer_dismisses_and_undoes_a_match_and_the_trail_keeps_both(self, personas, opportunity, investors):
        client = api(personas.officer_north)
        response = client.post(
            "/api/match-dismissals/",
            {"opportunity": opportunity.pk, "investor": investors["fit"].pk, "reason": "Said no in April"},
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["reason"] == "Said no in April" and body["dismissed_by"] == "officer_north"
        ranked = client.get("/api/matches/", {"opportunity": opportunity.pk}).json()
        assert investors["fit"].pk not in [m["investor"] for m in ranked]
        listed = client.get("/api/match-dismissals/", {"opportunity": opportunity.pk}).json()["results"]
        assert [d["id"] for d in listed] == [body["id"]]

        assert client.delete(f"/api/match-dismissals/{body['id']}/").status_code == 204
        kinds = list(
            AuditEntry.objects.filter(content_type__model="dismissal", object_id=str(body["id"]))
            .order_by("id")
            .values_list("kind", flat=True)
        )
        assert kinds == [AuditEntry.Kind.CREATE, AuditEntry.Kind.DELETE]

    def test_a_pair_dismissed_twice_is_refused_naming_who_did_it(self, personas, opportunity, investors):
        payload = {"opportunity": opportunity.pk, "investor": investors["fit"].pk, "reason": "No"}
        assert api(personas.officer_north).post("/api/match-dismissals/", payload, format="json").status_code == 201
        again = api(personas.admin).post("/api/match-dismissals/", payload, format="json")
        assert again.status_code == 400 and "already dismissed" in again.content.decode()
        assert Dismissal.objects.count() == 1

    def test_a_reason_is_required(self, personas, opportunity, investors):
        response = api(personas.officer_north).post(
            "/api/match-dismissals/",
            {"opportunity": opportunity.pk, "investor": investors["fit"].pk, "reason": "   "},
            format="json",
        )
        assert response.status_code == 400 and "reason" in response.json()
        assert not Dismissal.objects.exists()

    def test_the_wrong_users_can_neither_dismiss_nor_undo_nor_list(self, personas, opportunity, investors):
        with audit_context(actor=personas.admin, source="test"):
            dismissal = services.match_dismiss(
                opportunity=opportunity, investor=investors["partly"], reason="Too small", user=personas.admin
            )
        payload = {"opportunity": opportunity.pk, "investor": investors["fit"].pk, "reason": "x"}
        south = api(personas.officer_south)
        assert south.post("/api/match-dismissals/", payload, format="json").status_code == 404
        assert south.delete(f"/api/match-dismissals/{dismissal.pk}/").status_code == 404
        assert south.get("/api/match-dismissals/").json()["results"] == []
        leader = api(personas.leader)
        assert leader.post("/api/match-dismissals/", payload, format="json").status_code == 403
        assert leader.delete(f"/api/match-dismissals/{dismissal.pk}/").status_code == 403
        north = api(personas.officer_north)
        hidden = {"opportunity": opportunity.pk, "investor": investors["south"].pk, "reason": "x"}
        assert north.post("/api/match-dismissals/", hidden, format="json").status_code == 404
        assert api().get("/api/match-dismissals/").status_code in (401, 403)
        assert Dismissal.objects.count() == 1
