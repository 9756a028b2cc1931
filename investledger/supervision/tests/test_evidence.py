"""Evidence files: type judged by content, size limited, stored outside the web root, served in scope only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investledger.core import clock
from investledger.supervision.choices import EvidenceStatus, MilestoneKind
from investledger.supervision.models import EvidenceFile
from investledger.supervision.services import evidence as evidence_module
from investledger.supervision.tests.helpers import signed_project

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def post_record(client, milestone, upload, day=dt.date(2024, 3, 1)):
    prefix = f"m{milestone.pk}"
    with clock.frozen_at(day):
        return client.post(
            reverse("supervision:milestone_record", args=[milestone.pk]),
            {
                f"{prefix}-actual_date": "2024-02-20",
                f"{prefix}-evidence_number": "",
                f"{prefix}-version": milestone.version,
                f"{prefix}-files": [upload],
            },
        )


@pytest.fixture
def registered(reference_data):
    project = signed_project(reference_data)
    return project.milestones.get(kind=MilestoneKind.REGISTERED)


def test_it_refuses_an_executable_renamed_pdf(registered, personas, login, media_root):
    response = post_record(login(personas.officer_north), registered, SimpleUploadedFile("licence.pdf", EXECUTABLE))
    assert response.status_code == 400
    assert "“licence.pdf” is not a PDF, PNG or JPEG file" in response.content.decode()
    registered.refresh_from_db()
    assert registered.actual_date is None
    assert not EvidenceFile.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_it_refuses_an_oversized_file_with_its_size_and_the_limit(registered, personas, login, monkeypatch):
    monkeypatch.setattr(evidence_module, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = post_record(login(personas.officer_north), registered, big)
    assert response.status_code == 400
    assert "“scan.pdf” is 10.0 MB; evidence files may be at most 10 MB." in response.content.decode()
    registered.refresh_from_db()
    assert registered.actual_date is None


def test_it_refuses_a_png_named_as_a_pdf(registered, personas, login):
    png = SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    response = post_record(login(personas.officer_north), registered, png)
    assert response.status_code == 400
    assert "contains a PNG but its name says otherwise" in response.content.decode()


def test_it_stores_a_pdf_under_media_root_and_serves_it_only_to_those_who_see_the_project(
    registered, personas, login, media_root
):
    response = post_record(login(personas.officer_north), registered, SimpleUploadedFile("licence.pdf", PDF))
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.actual_date == dt.date(2024, 2, 20)
    assert registered.evidence_status == EvidenceStatus.PENDING
    evidence = registered.files.get()
    assert evidence.content_type == "application/pdf"
    path = media_root / evidence.file.name
    assert path.read_bytes() == PDF
    assert "licence" not in evidence.file.name  # stored under a random name
    url = reverse("supervision:evidence_download", args=[evidence.pk])
    for persona in (personas.officer_north, personas.supervisor, personas.leader):
        response = login(persona).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
    for persona in (personas.officer_south, personas.officer_park, personas.unit_power, personas.stranger):
        assert login(persona).get(url).status_code == 404, persona
