"""The leads demo: the Chengdu Hi-Tech Zone ceremony's 28 ambassadors and 27 agencies, and a pipeline."""

import datetime as dt

import pytest

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.leads import demo
from investledger.leads.models import CreditShare, Lead, LeadEscalation, Referrer
from investledger.reference.models import Area, Sector, Unit

pytestmark = pytest.mark.django_db

PARKS = ["cd-ht-xinchuan", "cd-ht-biotown", "cd-ht-neweconomy", "cd-ht-jiaozi"]


@pytest.fixture
def chengdu():
    city = Area.objects.create(code="cd", name="成都市", name_en="Chengdu", kind=Area.Kind.CITY)
    zone = Area.objects.create(
        code="cd-hitech", name="成都高新区", name_en="Chengdu Hi-Tech Zone", kind="zone", parent=city
    )
    for code in PARKS:
        Area.objects.create(code=code, name=code, name_en=code, kind="park", parent=zone)
    for code in demo.SECTOR_CYCLE:
        Sector.objects.create(code=code, name=code, name_en=code)
    return Unit.objects.create(
        code="cd-hitech-cmte", name="成都高新区管委会", name_en="Chengdu Hi-Tech Zone Committee", area=zone
    )


def counts():
    return [m.objects.count() for m in (Lead, Referrer, CreditShare, LeadEscalation, AuditEntry)]


def test_it_loads_the_ceremonys_referrers_and_a_pipeline_once(chengdu):
    with clock.frozen_at(dt.date(2026, 3, 11)), audit_context(source="command:demo"):
        demo.load()
        first = counts()
        demo.load()
    assert counts() == first
    referrers = Referrer.objects.all()
    assert referrers.filter(kind="ambassador").count() == 28 and referrers.filter(kind="agency").count() == 27
    assert all(r.is_demo and r.appointed_at.date == dt.date(2020, 8, 19) for r in referrers)
    assert {lead.stage for lead in Lead.objects.all()} == {
        "new",
        "contacted",
        "assessed",
        "negotiating",
        "signed",
        "lost",
    }
    signed = Lead.objects.get(stage="signed")
    assert signed.project.is_demo and signed.referrer.kind == "ambassador"
    assert CreditShare.objects.get(lead=signed, referrer=signed.referrer).percent == 40
    assert LeadEscalation.objects.exists()


def test_it_needs_the_demo_ledger_first(db):
    demo.load()
    assert not Referrer.objects.exists() and not Lead.objects.exists()
