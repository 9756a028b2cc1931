"""An opportunity's page ranks the investors that fit it; a match is dismissed with a reason, and undone.

Tried by the owning district's officer, the other district's officer, a read-only leader and the
administrator: who sees which investor, who may dismiss, and what the audit trail keeps.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import audit
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.matching import selectors, services
from investledger.matching.models import Dismissal

pytestmark = pytest.mark.django_db


def page(client, user, opportunity):
    client.force_login(user)
    response = client.get(reverse("opportunities:opportunity_detail", args=[opportunity.pk]))
    assert response.status_code == 200
    return response.content.decode()


def ranked(html: str) -> list[int]:
    block = html.split('id="match-list"', 1)[1].split("</ol>", 1)[0]
    return [int(pk) for pk in re.findall(r'<li class="border-top py-2" data-investor="(\d+)"', block)]


def dismiss_url(opportunity, investor):
    return reverse("matching:match_dismiss", args=[opportunity.pk, investor.pk])


class RankingTests:
    def test_it_ranks_the_investors_best_first_with_reasons_adding_up_to_the_score_shown(
        self, client, personas, opportunity, investors
    ):
        html = page(client, personas.admin, opportunity)
        assert ranked(html) == [investors["fit"].pk, investors["south"].pk, investors["partly"].pk]
        items = html.split('id="match-list"', 1)[1].split("</ol>", 1)[0].split('<li class="border-top py-2"')[1:]
        for item in items:
            score = Decimal(re.search(r'data-score="([\d.]+)"', item).group(1))
            points = [Decimal(p) for p in re.findall(r'data-points="([\d.]+)"', item)]
            assert len(points) == 6 and sum(points) == score
            assert f"{score} points" in item
        assert "Same sector: Smart connected NEV." in items[0]

    def test_a_district_officer_sees_only_the_investors_in_their_view(self, client, personas, opportunity, investors):
        html = page(client, personas.officer_north, opportunity)
        assert ranked(html) == [investors["fit"].pk, investors["partly"].pk]
        assert "South&#x27;s own" not in html and "South's own" not in html

    def test_another_district_does_not_find_the_opportunity(self, client, personas, opportunity, investors):
        client.force_login(personas.officer_south)
        assert client.get(reverse("opportunities:opportunity_detail", args=[opportunity.pk])).status_code == 404

    def test_a_reader_who_may_not_change_the_opportunity_is_offered_no_dismissal(
        self, client, personas, opportunity, investors
    ):
        html = page(client, personas.leader, opportunity)
        assert ranked(html) and "dismiss-form" not in html


class DismissTests:
    def test_a_dismissed_match_leaves_the_ranking_and_is_listed_with_its_reason_and_who(
        self, client, personas, opportunity, investors
    ):
        client.force_login(personas.officer_north)
        response = client.post(dismiss_url(opportunity, investors["fit"]), {"reason": "Said no to new plants in 2023"})
        assert response.status_code == 302
        assert response.url == reverse("opportunities:opportunity_detail", args=[opportunity.pk]) + "#matches"
        dismissal = Dismissal.objects.get()
        assert (dismissal.investor, dismissal.dismissed_by) == (investors["fit"], personas.officer_north)
        entry = AuditEntry.objects.get(content_type__model="dismissal", object_id=str(dismissal.pk))
        assert entry.kind == AuditEntry.Kind.CREATE and entry.actor == personas.officer_north
        assert entry.snapshot["reason"] == "Said no to new plants in 2023"

        html = page(client, personas.officer_north, opportunity)
        assert ranked(html) == [investors["partly"].pk]
        listed = html.split('id="dismissed-matches"', 1)[1]
        assert "Full fit" in listed and "Said no to new plants in 2023" in listed and "officer_north" in listed
        # It holds for every reader, not only for whoever dismissed it.
        admin_ids = [
            m.investor_id for m in selectors.investors_for(selectors.opportunity_input(opportunity), personas.admin)
        ]
        assert investors["fit"].pk not in admin_ids

    def test_undo_puts_the_match_back_and_the_trail_keeps_both(self, client, personas, opportunity, investors):
        client.force_login(personas.officer_north)
        client.post(dismiss_url(opportunity, investors["fit"]), {"reason": "Not now"})
        dismissal = Dismissal.objects.get()
        response = client.post(reverse("matching:match_restore", args=[dismissal.pk]))
        assert response.status_code == 302 and not Dismissal.objects.exists()
        kinds = list(
            AuditEntry.objects.filter(content_type__model="dismissal", object_id=str(dismissal.pk))
            .order_by("id")
            .values_list("kind", flat=True)
        )
        assert kinds == [AuditEntry.Kind.CREATE, AuditEntry.Kind.DELETE]
        assert ranked(page(client, personas.officer_north, opportunity))[0] == investors["fit"].pk

    def test_it_asks_for_a_reason_and_writes_nothing_without_one(self, client, personas, opportunity, investors):
        client.force_login(personas.officer_north)
        response = client.post(dismiss_url(opportunity, investors["fit"]), {"reason": "   "})
        assert response.status_code == 200
        assert 'data-error-for="reason"' in response.content.decode() or "This field is required" in (
            response.content.decode()
        )
        assert not Dismissal.objects.exists()

    def test_a_pair_is_dismissed_once_and_the_second_is_told_who_did_it(self, personas, opportunity, investors):
        with audit_context(actor=personas.officer_north, source="test"):
            services.match_dismiss(
                opportunity=opportunity, investor=investors["fit"], reason="Too small", user=personas.officer_north
            )
            with pytest.raises(Exception, match="already dismissed this match"):
                services.match_dismiss(
                    opportunity=opportunity, investor=investors["fit"], reason="Again", user=personas.admin
                )
        assert Dismissal.objects.count() == 1

    def test_no_dismissal_is_kept_when_its_audit_entry_fails(self, personas, opportunity, investors, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("audit trail unavailable")

        monkeypatch.setattr(audit, "record", broken)
        with audit_context(actor=personas.admin, source="test"), pytest.raises(RuntimeError):
            services.match_dismiss(opportunity=opportunity, investor=investors["fit"], reason="x", user=personas.admin)
        assert not Dismissal.objects.exists()


class WrongUserTests:
    def test_another_district_can_neither_dismiss_nor_undo(self, client, personas, opportunity, investors):
        with audit_context(actor=personas.admin, source="test"):
            dismissal = services.match_dismiss(
                opportunity=opportunity, investor=investors["partly"], reason="Too small", user=personas.admin
            )
        client.force_login(personas.officer_south)
        assert client.post(dismiss_url(opportunity, investors["fit"]), {"reason": "x"}).status_code == 404
        assert client.get(dismiss_url(opportunity, investors["fit"])).status_code == 404
        assert client.post(reverse("matching:match_restore", args=[dismissal.pk])).status_code == 404
        assert Dismissal.objects.count() == 1

    def test_a_read_only_role_is_forbidden_to_dismiss_or_undo(self, client, personas, opportunity, investors):
        with audit_context(actor=personas.admin, source="test"):
            dismissal = services.match_dismiss(
                opportunity=opportunity, investor=investors["partly"], reason="Too small", user=personas.admin
            )
        client.force_login(personas.leader)
        assert client.post(dismiss_url(opportunity, investors["fit"]), {"reason": "x"}).status_code == 403
        assert client.post(reverse("matching:match_restore", args=[dismissal.pk])).status_code == 403
        assert Dismissal.objects.count() == 1

    def test_an_investor_outside_the_officers_view_is_not_found(self, client, personas, opportunity, investors):
        with audit_context(actor=personas.admin, source="test"):
            theirs = services.match_dismiss(
                opportunity=opportunity, investor=investors["south"], reason="Chasing it in South", user=personas.admin
            )
        client.force_login(personas.officer_north)
        assert client.post(dismiss_url(opportunity, investors["south"]), {"reason": "x"}).status_code == 404
        assert client.post(reverse("matching:match_restore", args=[theirs.pk])).status_code == 404
        html = page(client, personas.officer_north, opportunity)
        assert "Chasing it in South" not in html and 'id="dismissed-matches"' not in html
        assert Dismissal.objects.count() == 1


def opportunity_ids(html: str) -> list[int]:
    block = html.split('id="opportunity-match-list"', 1)[1].split("</ol>", 1)[0]
    return [int(pk) for pk in re.findall(r'data-opportunity="(\d+)"', block)]


class InvestorPageTests:
    def test_an_investor_page_ranks_the_opportunities_that_fit_with_reasons_adding_up(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        client.force_login(personas.admin)
        html = client.get(reverse("investors:investor_detail", args=[investors["fit"].pk])).content.decode()
        assert opportunity_ids(html) == [opportunity.pk, south_opportunity.pk]  # North is its preferred region
        block = html.split('id="opportunity-match-list"', 1)[1].split("</ol>", 1)[0]
        for item in block.split('<li class="border-top py-2"')[1:]:
            score = Decimal(re.search(r'data-score="([\d.]+)"', item).group(1))
            assert sum(Decimal(p) for p in re.findall(r'data-points="([\d.]+)"', item)) == score

    def test_a_district_officer_sees_only_the_opportunities_of_their_areas(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        client.force_login(personas.officer_south)
        html = client.get(reverse("investors:investor_detail", args=[investors["fit"].pk])).content.decode()
        assert opportunity_ids(html) == [south_opportunity.pk]
        client.force_login(personas.officer_north)
        south = client.get(reverse("investors:investor_detail", args=[investors["south"].pk]))
        assert south.status_code == 404  # an investor on another district's projects is not found

    def test_a_dismissed_pair_leaves_the_investors_list_too(
        self, client, personas, opportunity, south_opportunity, investors
    ):
        with audit_context(actor=personas.admin, source="test"):
            services.match_dismiss(opportunity=opportunity, investor=investors["fit"], reason="No", user=personas.admin)
        client.force_login(personas.admin)
        html = client.get(reverse("investors:investor_detail", args=[investors["fit"].pk])).content.decode()
        assert opportunity_ids(html) == [south_opportunity.pk]
