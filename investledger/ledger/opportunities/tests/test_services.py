import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity, StatusChange
from investledger.testing import make_project

from .conftest import add_opportunity

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return AuditEntry.objects.filter(content_type__model=obj._meta.model_name, object_id=str(obj.pk))


class ListAndOpportunityWriteTests:
    def test_it_audits_the_creation_of_a_list_and_its_opportunities(self, north_list, north_opportunities):
        assert entries_for(north_list).get().kind == AuditEntry.Kind.CREATE
        for opportunity in north_opportunities:
            assert entries_for(opportunity).get().kind == AuditEntry.Kind.CREATE
            first = opportunity.status_changes.get()
            assert (first.from_status, first.to_status) == ("", Status.OPEN)
            assert entries_for(first).exists()

    def test_it_keeps_the_amount_in_cny_at_the_rate_given(self, reference_data, north_list):
        opportunity = add_opportunity(
            north_list,
            title="港资合作项目",
            area=reference_data.north,
            value="100000000",
            currency="HKD",
            fx_rate=Decimal("0.92"),
        )
        assert opportunity.estimated_value_cny == Decimal("92000000.00")

    def test_it_refuses_a_foreign_amount_without_its_rate(self, reference_data, north_list):
        with pytest.raises(ValidationError) as refused:
            add_opportunity(north_list, title="外币项目", area=reference_data.north, currency="USD")
        assert "fx_rate" in refused.value.message_dict
        assert not Opportunity.objects.filter(title="外币项目").exists()

    def test_it_refuses_a_host_area_outside_the_publishing_area(self, reference_data, north_list):
        with pytest.raises(ValidationError) as refused:
            add_opportunity(north_list, title="南区地块", area=reference_data.south)
        assert "host_area" in refused.value.message_dict

    def test_it_refuses_an_edit_made_on_an_older_version(self, north_opportunities):
        opportunity = north_opportunities[0]
        services.opportunity_update(opportunity=opportunity, fields={"location": "东路1号"}, expected_version=1)
        with pytest.raises(services.EditConflict) as conflict:
            services.opportunity_update(opportunity=opportunity, fields={"location": "西路2号"}, expected_version=1)
        assert conflict.value.current_version == 2
        opportunity.refresh_from_db()
        assert opportunity.location == "东路1号"

    def test_it_records_the_change_of_a_list_with_before_and_after(self, north_list):
        services.list_update(opportunity_list=north_list, fields={"published": False}, expected_version=1)
        entry = entries_for(north_list).latest("id")
        assert entry.kind == AuditEntry.Kind.UPDATE
        assert entry.changes["published"] == [True, False]
        with pytest.raises(services.EditConflict):
            services.list_update(opportunity_list=north_list, fields={"notes": "x"}, expected_version=1)


class StatusTests:
    def test_it_moves_an_opportunity_to_signed_with_its_project(self, reference_data, north_opportunities):
        opportunity = north_opportunities[0]
        project = make_project(area=reference_data.north, sector=reference_data.ev)
        with audit_context(actor=None, source="test"):
            services.opportunity_set_status(
                opportunity=opportunity, status=Status.IN_TALKS, reason="两家企业在谈", on=dt.date(2023, 6, 1)
            )
            services.opportunity_set_status(
                opportunity=opportunity, status=Status.SIGNED, reason="签约", project=project, on=dt.date(2023, 9, 1)
            )
        opportunity.refresh_from_db()
        assert opportunity.status == Status.SIGNED
        assert project.opportunity == opportunity
        history = list(StatusChange.objects.filter(opportunity=opportunity).values_list("to_status", flat=True))
        assert history == [Status.OPEN, Status.IN_TALKS, Status.SIGNED]
        assert entries_for(opportunity).filter(kind=AuditEntry.Kind.STAGE).count() == 2

    def test_it_refuses_signing_without_a_project_or_without_a_reason(self, north_opportunities):
        opportunity = north_opportunities[0]
        with pytest.raises(ValidationError) as no_project:
            services.opportunity_set_status(opportunity=opportunity, status=Status.SIGNED, reason="签约")
        assert "project" in no_project.value.message_dict
        with pytest.raises(ValidationError) as no_reason:
            services.opportunity_set_status(opportunity=opportunity, status=Status.WITHDRAWN, reason="  ")
        assert "reason" in no_reason.value.message_dict
        opportunity.refresh_from_db()
        assert opportunity.status == Status.OPEN and opportunity.version == 1

    def test_it_refuses_to_reopen_a_signed_opportunity(self, reference_data, north_opportunities):
        opportunity = north_opportunities[0]
        project = make_project(area=reference_data.north, sector=reference_data.ev)
        services.opportunity_set_status(opportunity=opportunity, status=Status.SIGNED, reason="签约", project=project)
        with pytest.raises(ValidationError) as refused:
            services.opportunity_set_status(opportunity=opportunity, status=Status.OPEN, reason="重新开放")
        assert "status" in refused.value.message_dict

    def test_it_refuses_to_link_one_project_to_two_opportunities(self, reference_data, north_opportunities):
        project = make_project(area=reference_data.north, sector=reference_data.ev)
        first, second = north_opportunities
        services.opportunity_set_status(opportunity=first, status=Status.SIGNED, reason="签约", project=project)
        with pytest.raises(ValidationError) as refused:
            services.opportunity_set_status(opportunity=second, status=Status.SIGNED, reason="签约", project=project)
        assert "project" in refused.value.message_dict

    def test_it_refuses_a_status_change_dated_before_the_last_one(self, north_opportunities):
        opportunity = north_opportunities[0]
        with pytest.raises(ValidationError) as refused:
            services.opportunity_set_status(
                opportunity=opportunity, status=Status.IN_TALKS, reason="在谈", on=dt.date(2023, 1, 1)
            )
        assert "on" in refused.value.message_dict

    def test_it_refuses_a_status_change_made_on_an_older_version(self, north_opportunities):
        opportunity = north_opportunities[0]
        services.opportunity_update(opportunity=opportunity, fields={"location": "东路1号"}, expected_version=1)
        with pytest.raises(services.EditConflict):
            services.opportunity_set_status(
                opportunity=opportunity, status=Status.WITHDRAWN, reason="撤回", expected_version=1
            )
