"""The API converts, refers and answers referrals through the same services as the pages, under the
one access rule: other districts get 404, readers and units without the lead 403."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from investledger.core import access
from investledger.core.access import Action
from investledger.leads.choices import LeadSource, LeadStage, ReferralStatus, ReferrerKind
from investledger.leads.models import CreditShare, Lead, Referral, Referrer
from investledger.ledger.projects.models import Project
from investledger.testing import make_project


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ambassador(db):
    return Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")


def new_project_body(lead, reference_data, units, ambassador=None, **new):
    shares = [{"unit": units["north"].pk, "percent": "100"}]
    if ambassador is not None:
        shares = [{"unit": units["north"].pk, "percent": "60"}, {"referrer": ambassador.pk, "percent": "40"}]
    return {
        "new_project": {
            "name": "网易成都基地",
            "host_area": reference_data.north.pk,
            "sector": reference_data.ev.pk,
            "contract_value_cny": "13000000000",
            "event": reference_data.event.pk,
            **new,
        },
        "shares": shares,
        "version": lead.version,
    }


class ConvertApiTests:
    def test_it_signs_a_lead_as_a_new_project_with_the_referrer_credited(
        self, make_lead, personas, reference_data, units, ambassador
    ):
        lead = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador)
        answer = api(personas.officer_north).post(
            f"/api/leads/{lead.pk}/convert/", new_project_body(lead, reference_data, units, ambassador), format="json"
        )
        assert answer.status_code == 200, answer.content
        project = Project.objects.get(name="网易成都基地")
        assert answer.json()["project"] == project.pk and answer.json()["stage"] == LeadStage.SIGNED
        assert project.contract_value_cny == Decimal("13000000000") and project.first_event == reference_data.event
        assert CreditShare.objects.get(referrer=ambassador).percent == 40

    def test_it_signs_a_lead_as_a_project_on_file(self, make_lead, personas, reference_data, units):
        lead = make_lead()
        project = make_project(area=reference_data.north, sector=reference_data.ev, investor=lead.investor)
        body = {"project": project.pk, "shares": [{"unit": units["north"].pk, "percent": "100"}]}
        answer = api(personas.officer_north).post(f"/api/leads/{lead.pk}/convert/", body, format="json")
        assert answer.status_code == 200 and Lead.objects.get(pk=lead.pk).project == project
        again = api(personas.officer_north).post(f"/api/leads/{lead.pk}/convert/", body, format="json")
        assert again.status_code == 400 and "already converted" in str(again.json())

    def test_a_project_outside_the_users_scope_reads_as_missing(self, make_lead, personas, reference_data, units):
        lead = make_lead()
        south = make_project(area=reference_data.south, sector=reference_data.ev)
        body = {"project": south.pk, "shares": [{"unit": units["north"].pk, "percent": "100"}]}
        answer = api(personas.officer_north).post(f"/api/leads/{lead.pk}/convert/", body, format="json")
        assert answer.status_code == 400 and "project" in answer.json()
        assert Lead.objects.get(pk=lead.pk).project is None

    def test_a_stale_version_and_a_likely_duplicate_answer_409(self, make_lead, personas, reference_data, units):
        lead = make_lead()
        make_project(area=reference_data.north, sector=reference_data.ev, investor=lead.investor, name="网易成都基地")
        body = new_project_body(lead, reference_data, units)
        stale = api(personas.officer_north).post(
            f"/api/leads/{lead.pk}/convert/", {**body, "version": lead.version - 1}, format="json"
        )
        assert stale.status_code == 409 and stale.json()["code"] == "edited_meanwhile"
        duplicate = api(personas.officer_north).post(f"/api/leads/{lead.pk}/convert/", body, format="json")
        assert duplicate.status_code == 409 and duplicate.json()["code"] == "possible_duplicate"
        assert duplicate.json()["possible_duplicates"][0]["name"] == "网易成都基地"
        body["new_project"]["confirm_not_duplicate"] = True
        assert (
            api(personas.officer_north).post(f"/api/leads/{lead.pk}/convert/", body, format="json").status_code == 200
        )
        assert Project.objects.count() == 2


class ReferralApiTests:
    def test_a_lead_is_referred_and_the_unit_it_went_to_accepts_it(self, make_lead, personas, reference_data):
        lead = make_lead()
        referred = api(personas.officer_north).post(
            f"/api/leads/{lead.pk}/refer/", {"to_unit": reference_data.power.pk, "reason": "power supply"}
        )
        assert referred.status_code == 201, referred.content
        referral = Referral.objects.get(pk=referred.json()["id"])
        assert referral.status == ReferralStatus.PENDING
        assert api(personas.unit_power).get("/api/referrals/").json()["count"] == 1
        refused = api(personas.officer_north).post(f"/api/referrals/{referral.pk}/answer/", {"accept": True})
        assert refused.status_code == 403
        answered = api(personas.unit_power).post(f"/api/referrals/{referral.pk}/answer/", {"accept": True})
        assert answered.status_code == 200 and answered.json()["status"] == ReferralStatus.ACCEPTED
        assert Lead.objects.get(pk=lead.pk).owning_unit == reference_data.power

    def test_a_unit_works_the_leads_it_owns_through_the_api(self, make_lead, personas, reference_data):
        # A responsible unit holds no CHANGE in the role table, but works its own leads.
        assert not access.can(personas.unit_power, Action.CHANGE)
        lead = make_lead(by=personas.unit_power, unit=reference_data.power, source=LeadSource.NEWS)
        moved = api(personas.unit_power).post(f"/api/leads/{lead.pk}/move/", {"stage": "contacted"})
        assert moved.status_code == 200, moved.content
        assert Lead.objects.get(pk=lead.pk).stage == LeadStage.CONTACTED

    def test_referring_to_a_unit_that_does_not_exist_or_to_the_owner_is_refused(self, make_lead, personas, units):
        lead = make_lead()
        c = api(personas.officer_north)
        missing = c.post(f"/api/leads/{lead.pk}/refer/", {"to_unit": 999999, "reason": "x"})
        assert missing.status_code == 400 and "There is no unit" in str(missing.json())
        itself = c.post(f"/api/leads/{lead.pk}/refer/", {"to_unit": units["north"].pk, "reason": "x"})
        assert itself.status_code == 400 and "already owned by" in str(itself.json())
        declined = c.post(f"/api/leads/{lead.pk}/refer/", {"to_unit": units["south"].pk, "reason": ""})
        assert declined.status_code == 400
        assert not Referral.objects.exists()


class WrongUserTests:
    def test_another_district_gets_404_on_every_new_endpoint(self, make_lead, personas, reference_data, units):
        lead = make_lead()
        referral_lead = make_lead()
        from investledger.leads import services

        referral = services.referral_make(
            lead=referral_lead, to_unit_id=reference_data.power.pk, reason="power", by=personas.officer_north
        )
        c = api(personas.officer_south)
        body = new_project_body(lead, reference_data, units)
        assert c.post(f"/api/leads/{lead.pk}/convert/", body, format="json").status_code == 404
        assert c.post(f"/api/leads/{lead.pk}/refer/", {"to_unit": units["south"].pk, "reason": "x"}).status_code == 404
        assert c.get(f"/api/referrals/{referral.pk}/").status_code == 404
        assert c.post(f"/api/referrals/{referral.pk}/answer/", {"accept": True}).status_code == 404
        assert c.get("/api/referrals/").json()["count"] == 0
        assert not Project.objects.exists() and Referral.objects.count() == 1
        assert Referral.objects.get().status == ReferralStatus.PENDING

    @pytest.mark.parametrize("who", ["leader", "supervisor"])
    def test_readers_get_403_on_every_new_endpoint(self, make_lead, personas, reference_data, units, who):
        lead = make_lead()
        from investledger.leads import services

        referral = services.referral_make(
            lead=lead, to_unit_id=reference_data.power.pk, reason="power", by=personas.officer_north
        )
        c = api(getattr(personas, who))
        assert c.get(f"/api/leads/{lead.pk}/").status_code == 200
        body = new_project_body(lead, reference_data, units)
        assert c.post(f"/api/leads/{lead.pk}/convert/", body, format="json").status_code == 403
        assert c.post(f"/api/leads/{lead.pk}/refer/", {"to_unit": units["south"].pk, "reason": "x"}).status_code == 403
        assert c.post(f"/api/referrals/{referral.pk}/answer/", {"accept": True}).status_code == 403
        assert not Project.objects.exists() and Referral.objects.get().status == ReferralStatus.PENDING
