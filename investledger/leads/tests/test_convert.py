"""A signed lead whose project is not in the ledger yet becomes a new project, created by the projects
service in the same transaction, with the link lead → project kept and the referrer credited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.leads import services
from investledger.leads.choices import LeadSource, LeadStage, ReferrerKind
from investledger.leads.models import CreditShare, Lead, Referrer
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.testing import make_project


@pytest.fixture
def ambassador(db):
    return Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")


def new_project(reference_data, **overrides):
    fields = {
        "name": "字节跳动西部总部",
        "host_area": reference_data.north,
        "sector": reference_data.ev,
        "contract_value": Decimal("10000000000"),
        "event": reference_data.event,
        "signed_on": reference_data.event.date,
    }
    return services.NewProject(**{**fields, **overrides})


def shares_for(lead, units, referrer=None):
    if referrer is None:
        return [{"unit": units["north"], "percent": Decimal(100)}]
    return [{"unit": units["north"], "percent": Decimal(60)}, {"referrer": referrer, "percent": Decimal(40)}]


class ConvertToNewProjectTests:
    def test_it_creates_the_project_through_the_projects_service_and_credits_the_referrer(
        self, make_lead, personas, reference_data, units, ambassador
    ):
        lead = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador, investor=None, prospect_name="字节跳动")
        with audit_context(actor=personas.officer_north, source="test"):
            services.lead_convert(
                lead=lead,
                new_project=new_project(reference_data),
                shares=shares_for(lead, units, ambassador),
                by=personas.officer_north,
            )
        lead.refresh_from_db()
        project = lead.project
        assert lead.stage == LeadStage.SIGNED and project.lead == lead
        assert (project.name, project.host_area, project.lead_unit) == (
            "字节跳动西部总部",
            reference_data.north,
            units["north"],
        )
        assert project.contract_value_cny == Decimal("10000000000")
        assert project.first_event == reference_data.event and project.signed_on == reference_data.event.date
        assert project.investor == lead.investor == Investor.objects.get(name="字节跳动")
        assert project.milestones.exists()  # the projects service's hooks ran: supervision planned it
        assert CreditShare.objects.get(referrer=ambassador).percent == Decimal(40)
        created = AuditEntry.objects.filter(content_type__model="project", object_id=str(project.pk)).first()
        assert created.kind == AuditEntry.Kind.CREATE and lead.reference in created.message

    def test_an_undisclosed_amount_is_kept_as_the_project_form_keeps_it(
        self, make_lead, personas, reference_data, units
    ):
        lead = make_lead()
        services.lead_convert(
            lead=lead,
            new_project=new_project(reference_data, contract_value=None, event=None, signed_on=None),
            shares=shares_for(lead, units),
            by=personas.officer_north,
        )
        project = Lead.objects.get(pk=lead.pk).project
        assert project.value_undisclosed and project.contract_value == 0 and project.investor == lead.investor

    def test_a_likely_duplicate_is_asked_about_and_nothing_is_written_until_confirmed(
        self, make_lead, personas, reference_data, units
    ):
        lead = make_lead()
        make_project(
            area=reference_data.north, sector=reference_data.ev, investor=lead.investor, name="字节跳动西部总部"
        )
        with pytest.raises(services.DuplicateSuspected):
            services.lead_convert(
                lead=lead,
                new_project=new_project(reference_data),
                shares=shares_for(lead, units),
                by=personas.officer_north,
            )
        assert Project.objects.count() == 1 and Lead.objects.get(pk=lead.pk).stage == LeadStage.NEW
        services.lead_convert(
            lead=lead,
            new_project=new_project(reference_data, confirm_not_duplicate=True),
            shares=shares_for(lead, units),
            by=personas.officer_north,
        )
        assert Project.objects.count() == 2

    def test_it_refuses_a_host_area_outside_the_users_scope_and_a_bad_split_before_writing(
        self, make_lead, personas, reference_data, units
    ):
        lead = make_lead()
        lead.areas.add(reference_data.south)
        with pytest.raises(ValidationError, match="may not create projects in"):
            services.lead_convert(
                lead=lead,
                new_project=new_project(reference_data, host_area=reference_data.south),
                shares=shares_for(lead, units),
                by=personas.officer_north,
            )
        with pytest.raises(ValidationError, match="add up to 50"):
            services.lead_convert(
                lead=lead,
                new_project=new_project(reference_data),
                shares=[{"unit": units["north"], "percent": Decimal(50)}],
                by=personas.officer_north,
            )
        assert not Project.objects.exists() and not Investor.objects.filter(projects__isnull=False).exists()

    def test_it_refuses_converting_twice_and_naming_both_or_neither_project(
        self, make_lead, personas, reference_data, units
    ):
        lead = make_lead()
        with pytest.raises(ValidationError, match="Name the project"):
            services.lead_convert(lead=lead, shares=shares_for(lead, units), by=personas.officer_north)
        services.lead_convert(
            lead=lead,
            new_project=new_project(reference_data),
            shares=shares_for(lead, units),
            by=personas.officer_north,
        )
        with pytest.raises(ValidationError, match="already converted"):
            services.lead_convert(
                lead=lead,
                new_project=new_project(reference_data, name="Another"),
                shares=shares_for(lead, units),
                by=personas.officer_north,
            )
        assert Project.objects.count() == 1


class ConvertPageTests:
    def test_the_lead_page_signs_a_lead_as_a_new_project(
        self, client, make_lead, personas, reference_data, units, ambassador
    ):
        lead = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador)
        client.force_login(personas.officer_north)
        page = client.get(reverse("leads:lead_detail", args=[lead.pk])).content.decode()
        assert 'id="convert-new-project"' in page
        data = {
            "convert-version": lead.version,
            "convert-unit_share": "60",
            "convert-referrer_share": "40",
            "convert-name": "字节跳动西部总部",
            "convert-host_area": reference_data.north.pk,
            "convert-sector": reference_data.ev.pk,
            "convert-contract_value": "10",
            "convert-event": reference_data.event.pk,
        }
        answer = client.post(reverse("leads:lead_act", args=[lead.pk, "convert"]), data)
        assert answer.status_code == 302, answer.content.decode()[:3000]
        lead.refresh_from_db()
        assert lead.project.contract_value_cny == Decimal("10000000000")
        assert lead.project.signed_on == reference_data.event.date
        assert CreditShare.objects.get(referrer=ambassador).percent == 40

    def test_the_page_lists_likely_duplicates_then_creates_when_saved_again(
        self, client, make_lead, personas, reference_data, units
    ):
        lead = make_lead()
        existing = make_project(
            area=reference_data.north, sector=reference_data.ev, investor=lead.investor, name="字节跳动西部总部"
        )
        client.force_login(personas.officer_north)
        data = {
            "convert-version": lead.version,
            "convert-unit_share": "100",
            "convert-name": "字节跳动西部总部",
            "convert-host_area": reference_data.north.pk,
            "convert-sector": reference_data.ev.pk,
            "convert-contract_value": "1",
        }
        url = reverse("leads:lead_act", args=[lead.pk, "convert"])
        warned = client.post(url, data)
        body = warned.content.decode()
        assert warned.status_code == 400 and existing.reference in body.split('id="convert-duplicates"')[1]
        assert 'name="convert-confirm_new" value="True"' in body
        assert client.post(url, {**data, "convert-confirm_new": "True"}).status_code == 302
        assert Project.objects.count() == 2

    def test_the_new_project_fields_are_needed_without_a_reference(self, client, make_lead, personas):
        lead = make_lead()
        client.force_login(personas.officer_north)
        data = {"convert-version": lead.version, "convert-unit_share": "100", "convert-name": ""}
        answer = client.post(reverse("leads:lead_act", args=[lead.pk, "convert"]), data)
        assert answer.status_code == 400 and "Needed to create the project" in answer.content.decode()
        assert not Project.objects.exists()

    def test_another_district_cannot_convert_the_lead(self, client, make_lead, personas, reference_data):
        lead = make_lead()
        client.force_login(personas.officer_south)
        data = {
            "convert-version": lead.version,
            "convert-unit_share": "100",
            "convert-name": "x",
            "convert-host_area": reference_data.south.pk,
            "convert-sector": reference_data.ev.pk,
        }
        assert client.post(reverse("leads:lead_act", args=[lead.pk, "convert"]), data).status_code == 404
        assert not Project.objects.exists()


def test_the_referrer_ranking_downloads_as_a_workbook_within_the_readers_scope(
    client, make_lead, personas, reference_data, units, ambassador
):
    import io

    import openpyxl

    lead = make_lead(source=LeadSource.AMBASSADOR, referrer=ambassador, investor=None, prospect_name="字节跳动")
    with audit_context(actor=personas.officer_north, source="test"):
        services.lead_convert(
            lead=lead,
            new_project=new_project(reference_data),
            shares=shares_for(lead, units, ambassador),
            by=personas.officer_north,
        )
    client.force_login(personas.officer_north)
    page = client.get(reverse("leads:referrer_ranking")).content.decode()
    assert 'id="ranking-xlsx"' in page
    response = client.get(reverse("leads:referrer_ranking"), {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Rank", "Referrer", "Kind", "Leads", "Conversions")
    assert rows[1][:5] == (1, "Ambassador Wang", "Investment ambassador", 1, 1)
    assert Decimal(str(rows[1][5])) == Decimal("4000000000.00")
    # A district that sees none of the leads gets a ranking without them.
    client.force_login(personas.officer_south)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("leads:referrer_ranking"), {"format": "xlsx"}).content)
    ).active
    assert len(list(sheet.iter_rows(values_only=True))) == 1
