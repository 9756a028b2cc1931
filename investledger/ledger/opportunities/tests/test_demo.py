"""The demo lists: Chengdu Eastern New Area's 58 opportunities at InnoEX 2023, and Jiaozi Park's in 2020."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.opportunities import demo, selectors
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityList

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EASTERN = "Chengdu Eastern New Area investment opportunities, first wave 2023"


@pytest.fixture(scope="module")
def demo_ledger(django_db_setup, django_db_blocker):
    """The demo ledger with the opportunity lists, loaded once and rolled back at the end of the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("demo", "--no-extensions", stdout=StringIO())
        with audit_context(source="command:demo"):
            demo.load()
        yield
        transaction.set_rollback(True)


def eastern() -> OpportunityList:
    return OpportunityList.objects.get(title_en=EASTERN)


@pytest.mark.django_db
class DemoListTests:
    def test_the_eastern_new_area_list_holds_58_opportunities_in_six_categories_about_81_3_bn(self, demo_ledger):
        totals = selectors.list_totals(Opportunity.objects.filter(list=eastern()))
        assert (totals.count, totals.categories, totals.value_cny) == (58, 6, 81_300_000_000)
        assert totals.approximate  # the two named sites have no published amount
        assert totals.text == "58 opportunities in 6 categories, about RMB 81.3 bn"
        assert eastern().event.name_en.startswith("InnoEX 2023")

    def test_the_named_sites_are_as_published_and_the_rest_marked_demo(self, demo_ledger):
        named = Opportunity.objects.filter(list=eastern(), is_demo=False)
        assert sorted(named.values_list("title_en", flat=True)) == [
            "Tianfu International Airport Comprehensive Bonded Area",
            "Tianfu Jincheng Laboratory (Future Medical City)",
        ]
        assert all(o.estimated_value_cny is None for o in named)
        assert Opportunity.objects.filter(list=eastern(), is_demo=True).count() == 56

    def test_one_opportunity_is_signed_with_the_link_to_its_project(self, demo_ledger):
        signed = Opportunity.objects.get(list=eastern(), status=Status.SIGNED)
        assert signed.project.name == demo.EASTERN_SIGNED[1]
        assert signed.project.opportunity == signed
        figures = {f.key: f.text for f in selectors.follow_up(None, Opportunity.objects.filter(list=eastern()))}
        assert figures["opportunities_signed"] == "1"

    def test_the_jiaozi_park_list_was_released_at_the_2020_signing_event(self, demo_ledger):
        jiaozi = OpportunityList.objects.get(publishing_area__code="cd-ht-jiaozi")
        assert jiaozi.event.name_en == "Chengdu Hi-Tech Zone project signings, August 2020"
        assert jiaozi.opportunities.count() == len(demo.JIAOZI_ITEMS)
        assert not jiaozi.opportunities.filter(is_demo=False).exists()

    def test_running_it_twice_changes_nothing(self, demo_ledger):
        before = (Opportunity.objects.count(), OpportunityList.objects.count(), AuditEntry.objects.count())
        with audit_context(source="command:demo"):
            demo.load()
        assert (Opportunity.objects.count(), OpportunityList.objects.count(), AuditEntry.objects.count()) == before

    def test_the_public_catalogue_shows_the_57_open_ones_in_both_languages(self, demo_ledger):
        client = Client()
        english = client.get(reverse("opportunities:public_catalogue"), {"list": eastern().pk})
        assert "57 open opportunities" in english.content.decode()
        chinese = client.get(
            reverse("opportunities:public_catalogue"), {"q": "综合保税区"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert "天府国际机场综合保税区" in chinese.content.decode()


def test_the_tables_add_up_to_the_published_figures():
    demo.check_tables()
