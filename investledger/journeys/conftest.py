"""What every journey shares: a small city with a signed ledger, the personas, and both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.events.models import SigningEvent
from investledger.supervision import services as supervision
from investledger.testing import make_project

BN = Decimal("1000000000")

# A PNG of one pixel: real image content, as evidence photos are checked by content.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005c2d2c4a0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def background_work_at_once(settings):
    """The worker's part of a journey (reading and checking an uploaded sheet) runs as it is queued,
    inside the live server, as if a worker took it at once (django-tasks' ImmediateBackend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(params=["en", "zh-hans"], ids=["english", "chinese"])
def language(request):
    return request.param


@pytest.fixture
def city(reference_data, personas):
    """North District's battery plant with its milestone plan and a first milestone recorded with a photo
    (evidence awaiting verification), a South District project, and one at North District itself."""
    ref = reference_data
    signed = clock.today() - dt.timedelta(days=40)
    event = SigningEvent.objects.create(
        name="秋季重点项目集中签约", name_en="Autumn key projects signing", kind="ceremony", date=signed
    )
    with clock.frozen_at(signed):
        plant = make_project(name="储能电池工厂", area=ref.north, sector=ref.ev, value=2 * BN, event=event)
        make_project(name="生物医药园", area=ref.south, sector=ref.bio, value=3 * BN, event=event)
        make_project(name="食品加工基地", area=ref.north_park, sector=ref.food, value=BN, event=event)
    if not plant.milestones.exists():
        supervision.milestone_plan_create(project=plant)
    first = plant.milestones.order_by("position").first()
    with audit_context(actor=personas.officer_north, source="test"):
        supervision.milestone_record(
            milestone=first,
            actual_date=clock.today() - dt.timedelta(days=10),
            evidence_number="91500000MA5U000X1",
            files=[SimpleUploadedFile("licence.png", PIXEL_PNG, content_type="image/png")],
            by=personas.officer_north,
        )
    supervision.supervise()
    return {"plant": plant, "first_milestone": first, "event": event}
