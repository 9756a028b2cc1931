"""A negotiated lead signed as a new project from its page in a real Chromium, the referrer credited
(screenshots under /tmp)."""

import pytest

from investledger.leads import services
from investledger.leads.choices import LeadSource, ReferrerKind
from investledger.leads.models import CreditShare, Lead, Referrer
from investledger.leads.tests.test_browser import login
from investledger.reference.models import Unit
from investledger.testing import make_investor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_is_signed_as_a_new_project_from_its_page(page, live_server, reference_data, personas):
    north = Unit.objects.create(
        code="north-promo", name="北区投促中心", name_en="North Promotion Centre", area=reference_data.north
    )
    ambassador = Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")
    lead = services.lead_create(
        fields={
            "investor": make_investor("网易"),
            "source": LeadSource.AMBASSADOR,
            "referrer": ambassador,
            "sector": reference_data.ev,
            "size_cny": 13_000_000_000,
            "owning_unit": north,
        },
        areas=[reference_data.north],
        by=personas.officer_north,
        confirm_not_duplicate=True,
    )
    login(page, live_server, "officer_north")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.reload()
    page.locator("#convert-new-project").screenshot(path="/tmp/leads-convert-zh.png")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    assert page.input_value("#id_convert-contract_value") == "13"
    page.fill("#id_convert-name", "NetEase Chengdu base")
    page.select_option("#id_convert-event", str(reference_data.event.pk))
    page.fill("#id_convert-unit_share", "70")
    page.fill("#id_convert-referrer_share", "30")
    page.locator("#convert-form").screenshot(path="/tmp/leads-convert-en.png")
    with page.expect_navigation():
        page.click("#convert-form button[type=submit]")
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.project is not None and lead.project.name == "NetEase Chengdu base"
    assert lead.project.reference in page.locator("#lead-project").inner_text()
    assert CreditShare.objects.get(referrer=ambassador).percent == 30
    page.screenshot(path="/tmp/leads-converted-en.png", full_page=True)
