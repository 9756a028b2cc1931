"""Investor profiles: what an investor is looking for, each fact with its source, edited on its page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict
from investledger.ledger.investors import services
from investledger.ledger.investors.models import Investor, InvestorProfile
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")
SOURCE = {"text": "Annual report 2022", "url": "https://example.org/report", "on": "2022-08-22"}


@pytest.fixture
def byd(reference_data):
    investor = make_investor("比亚迪", name_en="BYD")
    make_project(name="北区电池", area=reference_data.north, sector=reference_data.ev, value=3 * BN, investor=investor)
    return investor


def form_data(ref, **extra):
    data = {
        "sectors": [ref.ev.pk],
        "ticket_min_cny": "1",
        "ticket_max_cny": "20",
        "regions": [ref.north.pk],
        "modes": ["equity", "joint"],
        "ownership": "private",
        "plans": "Battery plants in western China",
    }
    for fact in ("sectors", "ticket", "regions", "modes", "plans"):
        data |= {
            f"source_{fact}_text": SOURCE["text"],
            f"source_{fact}_url": SOURCE["url"],
            f"source_{fact}_on": SOURCE["on"],
        }
    return data | extra


def save(investor, **kwargs):
    with audit_context(source="test"):
        return services.profile_save(investor=investor, **kwargs)


def entries(obj):
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)))


class TestProfilePage:
    def test_it_saves_a_profile_with_each_fact_and_its_source(self, client, personas, reference_data, byd):
        client.force_login(personas.admin)
        response = client.post(reverse("investors:profile_edit", args=[byd.pk]), form_data(reference_data))
        assert response.status_code == 302
        profile = InvestorProfile.objects.get(investor=byd)
        assert list(profile.sectors.all()) == [reference_data.ev]
        assert (profile.ticket_min_cny, profile.ticket_max_cny) == (BN, 20 * BN)
        assert profile.modes == ["equity", "joint"]
        assert profile.sources["ticket"] == SOURCE
        [created] = entries(profile)
        assert created.kind == AuditEntry.Kind.CREATE and created.snapshot["sectors"] == [reference_data.ev.pk]

    def test_it_shows_the_profile_and_its_sources_on_the_investors_page(self, client, personas, reference_data, byd):
        save(byd, fields={"plans": "Battery plants", "sources": {"plans": SOURCE}})
        client.force_login(personas.admin)
        page = client.get(reverse("investors:investor_detail", args=[byd.pk])).content.decode()
        assert "Battery plants" in page and "Annual report 2022" in page and "https://example.org/report" in page

    def test_it_shows_the_profile_in_chinese(self, client, personas, reference_data, byd):
        save(
            byd,
            fields={"ticket_min_cny": BN, "ticket_max_cny": 5 * BN, "sources": {"ticket": SOURCE, "sectors": SOURCE}},
            sectors=[reference_data.ev.pk],
        )
        client.force_login(personas.admin)
        client.cookies["django_language"] = "zh-hans"
        page = client.get(reverse("investors:investor_detail", args=[byd.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert "投资意向" in text and "10.00亿元" in text and "智能网联新能源汽车" in text

    def test_it_refuses_a_stated_fact_without_source_and_writes_nothing(self, client, personas, reference_data, byd):
        client.force_login(personas.admin)
        data = form_data(reference_data, source_regions_text="", source_regions_url="", source_regions_on="")
        response = client.post(reverse("investors:profile_edit", args=[byd.pk]), data)
        assert response.status_code == 200
        assert "Preferred regions: say where this was read" in response.content.decode()
        assert not InvestorProfile.objects.exists()

    def test_it_refuses_a_ticket_range_upside_down(self, client, personas, reference_data, byd):
        client.force_login(personas.admin)
        response = client.post(
            reverse("investors:profile_edit", args=[byd.pk]), form_data(reference_data, ticket_min_cny="30")
        )
        assert "The largest ticket is smaller than the smallest" in response.content.decode()
        assert not InvestorProfile.objects.exists()

    def test_it_refuses_an_edit_made_on_an_older_version(self, client, personas, reference_data, byd):
        save(byd, fields={"plans": "First", "sources": {"plans": SOURCE}})
        save(byd, fields={"plans": "Second", "sources": {"plans": SOURCE}}, expected_version=1)
        client.force_login(personas.admin)
        data = form_data(reference_data, version="1", plans="Mine")
        response = client.post(reverse("investors:profile_edit", args=[byd.pk]), data)
        assert "Someone saved this profile after you opened it" in response.content.decode()
        assert InvestorProfile.objects.get(investor=byd).plans == "Second"

    def test_a_district_officer_of_another_district_does_not_find_it(self, client, personas, byd):
        client.force_login(personas.officer_south)
        assert client.get(reverse("investors:profile_edit", args=[byd.pk])).status_code == 404

    @pytest.mark.parametrize("persona", ["officer_north", "leader", "supervisor"])
    def test_readers_who_may_not_change_investors_are_forbidden(self, client, personas, byd, persona):
        client.force_login(getattr(personas, persona))
        assert client.get(reverse("investors:profile_edit", args=[byd.pk])).status_code == 403
        assert client.post(reverse("investors:profile_edit", args=[byd.pk]), {}).status_code == 403
        assert not InvestorProfile.objects.exists()


class TestProfileService:
    def test_a_change_is_one_new_version_and_one_audit_entry(self, reference_data, byd):
        profile = save(byd, fields={"plans": "First", "sources": {"plans": SOURCE}})
        save(
            byd,
            fields={"plans": "Second", "sources": {"plans": SOURCE, "sectors": SOURCE}},
            sectors=[reference_data.bio.pk],
            expected_version=1,
        )
        profile.refresh_from_db()
        assert profile.version == 2
        update = entries(profile)[-1]
        assert update.changes["plans"] == ["First", "Second"]
        assert update.changes["sectors"] == [[], [reference_data.bio.pk]]

    def test_sectors_and_regions_left_out_are_kept(self, reference_data, byd):
        sourced = {"plans": SOURCE, "sectors": SOURCE}
        save(byd, fields={"plans": "First", "sources": sourced}, sectors=[reference_data.ev.pk])
        profile = save(byd, fields={"plans": "Second", "sources": sourced})
        assert list(profile.sectors.all()) == [reference_data.ev]

    def test_saving_the_same_profile_again_records_nothing(self, byd):
        save(byd, fields={"plans": "Same", "sources": {"plans": SOURCE}})
        profile = save(byd, fields={"plans": "Same", "sources": {"plans": SOURCE}})
        assert profile.version == 1 and len(entries(profile)) == 1

    def test_an_older_version_raises_a_conflict(self, byd):
        save(byd, fields={"plans": "First", "sources": {"plans": SOURCE}})
        save(byd, fields={"plans": "Second"}, expected_version=1)
        with pytest.raises(EditConflict):
            save(byd, fields={"plans": "Third"}, expected_version=1)

    def test_the_ownership_changes_on_the_investor_with_its_own_entry(self, byd):
        save(byd, fields={}, ownership=Investor.Ownership.MIXED)
        byd.refresh_from_db()
        assert byd.ownership == "mixed"
        assert entries(byd)[-1].changes["ownership"] == ["private", "mixed"]

    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ({"text": "x", "url": "not an address", "on": "2022-01-01"}, "is not a web address"),
            ({"text": "x", "on": "22/08/2022"}, "is not a date"),
            ({"text": "x" * 301, "on": "2022-01-01"}, "longer than 300 characters"),
        ],
    )
    def test_it_names_what_is_wrong_with_a_source(self, byd, source, message):
        with pytest.raises(ValidationError) as refused:
            save(byd, fields={"plans": "Plans", "sources": {"plans": source}})
        assert message in str(refused.value.message_dict["source_plans"])

    def test_it_refuses_a_mode_not_in_the_list(self, byd):
        with pytest.raises(ValidationError) as refused:
            save(byd, fields={"modes": ["barter"], "sources": {"modes": SOURCE}})
        assert "modes" in refused.value.message_dict

    def test_it_refuses_an_amount_past_the_bound(self, byd):
        with pytest.raises(ValidationError) as refused:
            save(byd, fields={"ticket_max_cny": Decimal("1e15"), "sources": {"ticket": SOURCE}})
        assert "largest amount the ledger holds" in str(refused.value.message_dict["ticket_max_cny"])


class TestProfileScope:
    def test_profiles_are_seen_as_their_investors_are(self, personas, reference_data, byd):
        profile = save(byd, fields={"plans": "x", "sources": {"plans": SOURCE}})
        assert InvestorProfile.objects.visible_to(personas.officer_north).filter(pk=profile.pk).exists()
        assert not InvestorProfile.objects.visible_to(personas.officer_south).filter(pk=profile.pk).exists()
        assert InvestorProfile.objects.visible_to(personas.leader).filter(pk=profile.pk).exists()
        assert not InvestorProfile.objects.visible_to(personas.officer_north, "change").exists()


def test_the_stated_date_is_kept_as_written(byd):
    profile = save(byd, fields={"plans": "x", "sources": {"plans": SOURCE}})
    assert dt.date.fromisoformat(profile.sources["plans"]["on"]) == dt.date(2022, 8, 22)
