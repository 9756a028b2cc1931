import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict
from investledger.leads import services
from investledger.leads.choices import LeadSource, LeadStage, ReferralStatus, ReferrerKind
from investledger.leads.models import CreditShare, Lead, LeadStageChange, Referrer
from investledger.testing import make_project


def entries_of(obj):
    return AuditEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)


def test_a_new_lead_is_audited_numbered_and_owned_by_the_first_unit(make_lead, units):
    lead = make_lead()
    assert lead.reference.startswith("L")
    assert lead.first_unit == units["north"] == lead.owning_unit
    assert lead.stage == LeadStage.NEW
    assert entries_of(lead).filter(kind=AuditEntry.Kind.CREATE).count() == 1
    assert list(lead.stage_changes.values_list("to_stage", flat=True)) == [LeadStage.NEW]


def test_a_lead_moves_forward_with_its_stage_log_and_audit(make_lead, personas):
    lead = make_lead()
    services.lead_move(lead=lead, to_stage=LeadStage.CONTACTED, by=personas.officer_north)
    services.lead_move(lead=lead, to_stage=LeadStage.NEGOTIATING, by=personas.officer_north)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.NEGOTIATING and lead.contacted_on and lead.assessed_on
    assert [c.to_stage for c in LeadStageChange.objects.filter(lead=lead)] == ["new", "contacted", "negotiating"]
    assert entries_of(lead).filter(kind=AuditEntry.Kind.STAGE).count() == 2


def test_it_refuses_a_stage_going_backwards_without_a_reason(make_lead, personas):
    lead = make_lead()
    services.lead_move(lead=lead, to_stage=LeadStage.ASSESSED, by=personas.officer_north)
    with pytest.raises(ValidationError) as refused:
        services.lead_move(lead=lead, to_stage=LeadStage.CONTACTED, by=personas.officer_north)
    assert "goes back from Assessed to Contacted" in str(refused.value)
    services.lead_move(
        lead=lead, to_stage=LeadStage.CONTACTED, by=personas.officer_north, reason="Investor changed site"
    )
    assert LeadStageChange.objects.filter(lead=lead).last().reason == "Investor changed site"


def test_it_refuses_to_close_a_lead_as_lost_without_a_reason(make_lead, personas):
    lead = make_lead()
    with pytest.raises(ValidationError) as refused:
        services.lead_lose(lead=lead, reason="  ", by=personas.officer_north)
    assert "Say why the lead was lost" in str(refused.value)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.NEW
    services.lead_lose(lead=lead, reason="Chose Chengdu", lost_to="Chengdu", by=personas.officer_north)
    lead.refresh_from_db()
    assert (lead.stage, lead.lost_to) == (LeadStage.LOST, "Chengdu")


def test_it_refuses_converting_a_lead_twice(make_lead, personas, reference_data, units):
    lead = make_lead()
    project = make_project(area=reference_data.north, sector=reference_data.ev, investor=lead.investor)
    shares = [{"unit": units["north"], "percent": Decimal(100)}]
    services.lead_convert(lead=lead, project=project, shares=shares, by=personas.officer_north)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.SIGNED and lead.project == project
    other = make_project(area=reference_data.north, sector=reference_data.ev)
    with pytest.raises(ValidationError) as refused:
        services.lead_convert(lead=lead, project=other, shares=shares, by=personas.officer_north)
    assert "already converted into project" in str(refused.value)
    assert CreditShare.objects.filter(lead=lead).count() == 1


def test_the_credit_split_must_add_up_to_100_percent(make_lead, personas, reference_data, units):
    referrer = Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="张大使")
    lead = make_lead(source=LeadSource.AMBASSADOR, referrer=referrer)
    project = make_project(area=reference_data.north, sector=reference_data.ev, investor=lead.investor)
    with pytest.raises(ValidationError) as refused:
        services.lead_convert(
            lead=lead,
            project=project,
            shares=[{"unit": units["north"], "percent": "60"}, {"referrer": referrer, "percent": "30"}],
            by=personas.officer_north,
        )
    assert "add up to 90" in str(refused.value)
    assert not CreditShare.objects.exists() and Lead.objects.get(pk=lead.pk).project is None
    services.lead_convert(
        lead=lead,
        project=project,
        shares=[{"unit": units["north"], "percent": "60"}, {"referrer": referrer, "percent": "40"}],
        by=personas.officer_north,
    )
    assert {str(s.party): s.percent for s in CreditShare.objects.all()} == {
        "North Promotion Centre": Decimal("60.00"),
        "张大使": Decimal("40.00"),
    }


def test_it_refuses_referring_to_a_unit_that_does_not_exist_or_to_itself(make_lead, personas, units):
    lead = make_lead()
    with pytest.raises(ValidationError) as missing:
        services.referral_make(lead=lead, to_unit_id=987654, reason="closer to the site", by=personas.officer_north)
    assert "There is no unit 987654" in str(missing.value)
    with pytest.raises(ValidationError) as itself:
        services.referral_make(lead=lead, to_unit_id=units["north"].pk, reason="x", by=personas.officer_north)
    assert "already owned by North Promotion Centre" in str(itself.value)


def test_an_accepted_referral_hands_the_lead_over_and_a_declined_one_says_why(make_lead, personas, reference_data):
    lead = make_lead()
    power = reference_data.power
    referral = services.referral_make(lead=lead, to_unit_id=power.pk, reason="needs 50 MW", by=personas.officer_north)
    assert personas.unit_power.notifications.filter(kind="lead_referred").exists()
    assert Lead.objects.visible_to(personas.unit_power).filter(pk=lead.pk).exists()
    with pytest.raises(ValidationError):
        services.referral_answer(referral=referral, accept=False, answer="", by=personas.unit_power)
    with pytest.raises(PermissionDenied):
        services.referral_answer(referral=referral, accept=True, answer="", by=personas.officer_south)
    services.referral_answer(referral=referral, accept=True, answer="We take it", by=personas.unit_power)
    lead.refresh_from_db()
    assert lead.owning_unit == power and lead.first_unit.code == "north-promo"
    assert referral.status == ReferralStatus.ACCEPTED


def test_a_reader_may_see_a_lead_but_not_move_it(make_lead, personas):
    lead = make_lead()
    assert Lead.objects.visible_to(personas.leader).filter(pk=lead.pk).exists()
    for user in (personas.leader, personas.supervisor):
        with pytest.raises(PermissionDenied):
            services.lead_move(lead=lead, to_stage=LeadStage.CONTACTED, by=user)


def test_an_edit_on_an_old_version_is_refused(make_lead, personas):
    lead = make_lead()
    version = lead.version
    services.lead_move(lead=lead, to_stage=LeadStage.CONTACTED, by=personas.officer_north, expected_version=version)
    with pytest.raises(EditConflict):
        services.lead_move(lead=lead, to_stage=LeadStage.ASSESSED, by=personas.officer_north, expected_version=version)


def test_an_ambassador_lead_names_its_ambassador(make_lead):
    agency = Referrer.objects.create(kind=ReferrerKind.AGENCY, name="某咨询公司")
    with pytest.raises(ValidationError) as missing:
        make_lead(source=LeadSource.AMBASSADOR)
    assert "Name the referrer" in str(missing.value)
    with pytest.raises(ValidationError) as wrong:
        make_lead(source=LeadSource.AMBASSADOR, referrer=agency)
    assert "is not a referrer of this source" in str(wrong.value)


def test_the_first_interaction_answers_the_lead(make_lead, personas):
    lead = make_lead()
    with audit_context(actor=personas.officer_north, source="test"):
        services.interaction_add(
            lead=lead,
            fields={"kind": "call", "date": dt.date.today(), "people": "Ms Li", "next_step": "site tour"},
            by=personas.officer_north,
        )
    lead.refresh_from_db()
    assert lead.contacted_on == dt.date.today()
    with pytest.raises(ValidationError):
        services.interaction_add(
            lead=lead,
            fields={"kind": "call", "date": dt.date.today() + dt.timedelta(days=3), "people": "Ms Li"},
            by=personas.officer_north,
        )


def test_a_district_may_not_open_a_lead_for_another_districts_unit(make_lead, personas, units):
    with pytest.raises(ValidationError) as refused:
        make_lead(unit=units["south"])
    assert "only for your own unit" in str(refused.value)


def test_the_funnel_counts_a_skipped_stage_as_reached(make_lead, personas):
    from investledger.leads.selectors import funnel

    lead = make_lead()
    make_lead()
    services.lead_move(lead=lead, to_stage=LeadStage.NEGOTIATING, by=personas.officer_north)
    rows = {row["stage"]: (row["reached"], row["count"]) for row in funnel(Lead.objects.all())}
    assert rows["new"] == (2, 1) and rows["assessed"] == (1, 0) and rows["negotiating"] == (1, 1)
    assert rows["signed"] == (0, 0)


def test_it_refuses_a_lead_received_in_the_future(make_lead):
    with pytest.raises(ValidationError) as refused:
        make_lead(received_on=clock.today() + dt.timedelta(days=1))
    assert "the date is in the future" in str(refused.value)
    assert not Lead.objects.exists()
