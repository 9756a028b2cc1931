import datetime as dt

import pytest
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.leads.choices import LeadStage
from investledger.leads.models import Lead, Referral
from investledger.testing import make_investor, make_project

ACTS = ["move", "lose", "convert", "interaction", "refer"]


def client_for(client, user):
    client.force_login(user)
    return client


def test_other_districts_get_404_on_every_lead_page_and_endpoint(client, make_lead, personas):
    lead = make_lead()
    c = client_for(client, personas.officer_south)
    assert c.get(reverse("leads:lead_detail", args=[lead.pk])).status_code == 404
    for act in ACTS:
        assert c.post(reverse("leads:lead_act", args=[lead.pk, act]), {}).status_code == 404
    assert c.get(f"/api/leads/{lead.pk}/").status_code == 404
    assert c.post(f"/api/leads/{lead.pk}/move/", {"stage": "contacted"}).status_code == 404
    assert c.post(f"/api/leads/{lead.pk}/interactions/", {}).status_code == 404
    assert lead.reference not in c.get(reverse("leads:pipeline")).content.decode()
    assert c.get("/api/leads/").json()["count"] == 0


def test_a_read_only_role_gets_403_on_every_action(client, make_lead, personas):
    lead = make_lead()
    c = client_for(client, personas.leader)
    page = c.get(reverse("leads:lead_detail", args=[lead.pk]))
    assert page.status_code == 200 and 'id="move-form"' not in page.content.decode()
    for act in ACTS:
        assert c.post(reverse("leads:lead_act", args=[lead.pk, act]), {}).status_code == 403
    assert c.post(f"/api/leads/{lead.pk}/move/", {"stage": "contacted"}).status_code == 403
    assert c.get(reverse("leads:lead_new")).status_code == 403
    assert c.post("/api/leads/", {}).status_code in (400, 403)
    assert Lead.objects.get(pk=lead.pk).stage == LeadStage.NEW


def test_a_referral_can_be_answered_only_by_the_unit_it_went_to(client, make_lead, personas, reference_data):
    from investledger.leads import services

    lead = make_lead()
    referral = services.referral_make(
        lead=lead, to_unit_id=reference_data.power.pk, reason="power", by=personas.officer_north
    )
    url = reverse("leads:referral_answer", args=[referral.pk])
    assert client_for(client, personas.officer_south).post(url, {}).status_code == 404
    assert client_for(client, personas.officer_north).post(url, {"answer-accept": "1"}).status_code == 403
    answered = client_for(client, personas.unit_power).post(url, {"answer-accept": "0", "answer-answer": "no capacity"})
    assert answered.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "declined"


def test_the_lead_page_moves_a_lead_and_refuses_going_back_without_a_reason(client, make_lead, personas):
    lead = make_lead()
    c = client_for(client, personas.officer_north)
    url = reverse("leads:lead_act", args=[lead.pk, "move"])
    assert c.post(url, {"move-stage": "assessed", "move-version": lead.version}).status_code == 302
    back = c.post(url, {"move-stage": "contacted", "move-version": lead.version + 1})
    assert back.status_code == 400
    assert "Say why the lead goes back" in back.content.decode()
    stale = c.post(url, {"move-stage": "negotiating", "move-version": lead.version})
    assert "Someone else changed this lead meanwhile" in stale.content.decode()
    assert AuditEntry.objects.filter(kind="stage", object_id=str(lead.pk)).count() == 1


def test_the_new_lead_page_warns_of_another_units_lead(client, make_lead, personas, reference_data, units):
    investor = make_investor("腾讯")
    make_lead(investor=investor)
    c = client_for(client, personas.officer_south)
    data = {
        "investor": investor.pk,
        "source": "walk_in",
        "owning_unit": units["south"].pk,
        "areas": [reference_data.south.pk],
        "received_on": "2026-03-02",
    }
    warned = c.post(reverse("leads:lead_new"), data)
    body = warned.content.decode()
    assert warned.status_code == 400 and "ask North Promotion Centre" in body
    assert "L20" not in body.split('id="duplicate-warning"')[1].split("</div>")[0]
    assert Lead.objects.count() == 1
    opened = c.post(reverse("leads:lead_new"), {**data, "confirm_not_duplicate": "True"})
    assert opened.status_code == 302 and Lead.objects.count() == 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_lead_page_answers_in_both_languages(client, make_lead, personas, reference_data, units, language):
    lead = make_lead()
    project = make_project(area=reference_data.north, sector=reference_data.ev, investor=lead.investor)
    c = client_for(client, personas.officer_north)
    c.cookies["django_language"] = language
    c.post(
        reverse("leads:lead_act", args=[lead.pk, "convert"]),
        {"convert-project": project.reference, "convert-unit_share": "100", "convert-version": lead.version},
    )
    assert Lead.objects.get(pk=lead.pk).project == project
    for name, args in [
        ("leads:pipeline", []),
        ("leads:lead_detail", [lead.pk]),
        ("leads:lead_new", []),
        ("leads:referrer_list", []),
        ("leads:referrer_ranking", []),
    ]:
        page = c.get(reverse(name, args=args))
        assert page.status_code == 200, name
        if language == "zh-hans":
            assert "线索" in page.content.decode(), name


def test_the_api_lists_and_opens_leads_in_scope(client, make_lead, personas, reference_data, units):
    make_lead()
    c = client_for(client, personas.officer_north)
    assert c.get("/api/leads/").json()["count"] == 1
    created = c.post(
        "/api/leads/",
        {
            "prospect_name": "某新能源公司",
            "source": "news",
            "owning_unit": units["north"].pk,
            "areas": [reference_data.north.pk],
            "received_on": dt.date(2026, 3, 2).isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["first_unit"] == units["north"].pk
