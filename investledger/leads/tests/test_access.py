import datetime as dt

from investledger.leads import services
from investledger.leads.choices import LeadSource
from investledger.leads.models import Interaction, Lead


def test_a_district_officer_sees_only_the_leads_of_their_district(make_lead, personas, reference_data, units):
    north = make_lead()
    south = make_lead(by=personas.officer_south, unit=units["south"], area=reference_data.south)
    assert set(Lead.objects.visible_to(personas.officer_north)) == {north}
    assert set(Lead.objects.visible_to(personas.officer_south)) == {south}
    assert set(Lead.objects.visible_to(personas.leader)) == {north, south}
    assert not Lead.objects.visible_to(personas.contact_a).exists()
    assert not Lead.objects.visible_to(personas.stranger).exists()


def test_a_unit_sees_its_own_leads_and_those_referred_to_it(make_lead, personas, reference_data):
    lead = make_lead()
    assert not Lead.objects.visible_to(personas.unit_power).exists()
    own = make_lead(by=personas.unit_power, unit=reference_data.power, source=LeadSource.NEWS)
    services.referral_make(lead=lead, to_unit_id=reference_data.power.pk, reason="power", by=personas.officer_north)
    assert set(Lead.objects.visible_to(personas.unit_power)) == {lead, own}


def test_a_lead_in_two_areas_is_one_row_for_a_city_reader(make_lead, personas, reference_data):
    lead = make_lead()
    lead.areas.add(reference_data.north_park)
    services.interaction_add(
        lead=lead, fields={"kind": "visit", "date": dt.date.today(), "people": "x"}, by=personas.officer_north
    )
    assert Lead.objects.visible_to(personas.officer_north).count() == 1
    assert Interaction.objects.visible_to(personas.officer_park).count() == 1
    assert not Interaction.objects.visible_to(personas.officer_south).exists()
