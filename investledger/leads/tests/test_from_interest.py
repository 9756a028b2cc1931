"""An expression of interest on an opportunity becomes a lead with one click in the inbox; the lead
keeps the interest and its opportunity, and the interest is marked handled in the same transaction."""

import pytest
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.leads import services
from investledger.leads.choices import LeadSource
from investledger.leads.models import Lead
from investledger.ledger.opportunities.choices import InterestState
from investledger.ledger.opportunities.models import Interest
from investledger.ledger.opportunities.tests.conftest import add_opportunity, north_list  # noqa: F401


@pytest.fixture
def interest(reference_data, north_list):  # noqa: F811
    opportunity = add_opportunity(
        north_list, title="北区物流园", area=reference_data.north, code="industrial-carriers", value="800000000"
    )
    opportunity.sectors.set([reference_data.ev])
    return Interest.objects.create(
        opportunity=opportunity,
        name="李女士",
        organisation="顺丰速运",
        email="li@example.org",
        message="We would like to see the site in May.",
        client_key="k",
    )


def test_the_bureau_opens_a_lead_from_an_interest_with_one_click(client, personas, interest, reference_data):
    client.force_login(personas.admin)
    inbox = client.get(reverse("opportunities:inbox")).content.decode()
    url = reverse("leads:lead_from_interest", args=[interest.pk])
    assert url in inbox
    answer = client.post(url)
    lead = Lead.objects.get(interest=interest)
    assert answer.status_code == 302 and answer["Location"] == reverse("leads:lead_detail", args=[lead.pk])
    assert (lead.prospect_name, lead.source, lead.opportunity) == (
        "顺丰速运",
        LeadSource.OPPORTUNITY,
        interest.opportunity,
    )
    assert lead.owning_unit == reference_data.bureau and list(lead.areas.all()) == [reference_data.north]
    assert lead.sector == reference_data.ev and lead.size_cny == 800_000_000
    assert "see the site in May" in lead.need and "li@example.org" in lead.need
    interest.refresh_from_db()
    assert interest.state == InterestState.HANDLED and lead.reference in interest.handled_note
    assert AuditEntry.objects.filter(content_type__model="interest", object_id=str(interest.pk)).exists()
    page = client.get(reverse("leads:lead_detail", args=[lead.pk])).content.decode()
    assert reverse("opportunities:opportunity_detail", args=[interest.opportunity.pk]) in page
    inbox = client.get(reverse("opportunities:inbox")).content.decode()
    assert url not in inbox and reverse("leads:lead_detail", args=[lead.pk]) in inbox


def test_an_interest_becomes_one_lead_only(personas, interest):
    services.lead_from_interest(interest=interest, by=personas.admin)
    with pytest.raises(services.ValidationError, match="already became lead"):
        services.lead_from_interest(interest=interest, by=personas.admin)
    assert Lead.objects.count() == 1


def test_a_district_officer_opens_it_for_their_own_unit(personas, interest, units):
    lead = services.lead_from_interest(interest=interest, by=personas.officer_north)
    assert lead.owning_unit == units["north"] and lead.first_unit == units["north"]


def test_a_likely_duplicate_is_shown_before_the_lead_is_opened(client, personas, interest, make_lead):
    make_lead(investor=None, prospect_name="顺丰速运")
    client.force_login(personas.admin)
    url = reverse("leads:lead_from_interest", args=[interest.pk])
    warned = client.post(url)
    assert warned.status_code == 400 and 'id="duplicate-warning"' in warned.content.decode()
    assert not Lead.objects.filter(interest=interest).exists()
    assert Interest.objects.get(pk=interest.pk).state == InterestState.NEW
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Lead.objects.filter(interest=interest).exists()


def test_other_districts_and_readers_cannot_open_a_lead_from_it(client, personas, interest):
    url = reverse("leads:lead_from_interest", args=[interest.pk])
    client.force_login(personas.officer_south)
    assert client.post(url).status_code == 404
    client.force_login(personas.leader)
    assert url not in client.get(reverse("opportunities:inbox")).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(personas.officer_north)
    assert client.get(url).status_code == 405
    with pytest.raises(services.PermissionDenied):
        services.lead_from_interest(interest=interest, by=personas.officer_south)
    assert not Lead.objects.exists()
