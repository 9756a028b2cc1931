"""The one access rule on lists, opportunities and interest: by publishing or host area, and the list's unit."""

import pytest

from investledger.core.access import Action
from investledger.ledger.opportunities.models import Opportunity, OpportunityList, StatusChange

pytestmark = pytest.mark.django_db


class ScopeTests:
    def test_it_shows_a_districts_lists_to_its_officers_and_the_city_wide_roles(self, personas, north_list):
        for who in ("admin", "supervisor", "leader", "officer_north"):
            assert north_list in OpportunityList.objects.visible_to(getattr(personas, who)), who

    def test_it_hides_opportunities_of_other_districts(self, personas, north_list, north_opportunities):
        for who in ("officer_south", "contact_a", "stranger", "unit_power"):
            user = getattr(personas, who)
            assert not OpportunityList.objects.visible_to(user).exists(), who
            assert not Opportunity.objects.visible_to(user).exists(), who
            assert not StatusChange.objects.visible_to(user).exists(), who

    def test_it_shows_a_park_officer_the_opportunities_hosted_in_the_park_only(self, personas, north_opportunities):
        visible = list(Opportunity.objects.visible_to(personas.officer_park))
        assert visible == [north_opportunities[1]]

    def test_it_shows_the_publishing_units_staff_its_lists(
        self, personas, reference_data, north_list, north_opportunities
    ):
        north_list.publishing_unit = reference_data.power
        north_list.save()
        assert north_list in OpportunityList.objects.visible_to(personas.unit_power)
        assert Opportunity.objects.visible_to(personas.unit_power).count() == 2
        assert not Opportunity.objects.visible_to(personas.unit_power, Action.CHANGE).exists()

    def test_it_lets_only_officers_of_the_area_and_administrators_change_them(self, personas, north_opportunities):
        assert Opportunity.objects.visible_to(personas.officer_north, Action.CHANGE).count() == 2
        assert Opportunity.objects.visible_to(personas.admin, Action.CHANGE).count() == 2
        for who in ("leader", "supervisor", "officer_south"):
            assert not Opportunity.objects.visible_to(getattr(personas, who), Action.CHANGE).exists(), who
