"""Inspection photos: images only (checked by content), size-limited, served through an access check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from investledger.escalation.models import Inspection, InspectionPhoto

pytestmark = pytest.mark.django_db


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (46, 157, 87)).save(buffer, format="PNG")
    return buffer.getvalue()


def form(project, **extra):
    return {
        "project": project.pk,
        "kind": "site_visit",
        "visited_on": "2026-03-02",
        "inspectors": "Wang, Li",
        "outcome": "as_reported",
        "findings": "Plant roofed; equipment arriving.",
        **extra,
    }


def test_a_supervisor_records_an_inspection_with_photos(client, park_project, personas, settings):
    client.force_login(personas.supervisor)
    photo = SimpleUploadedFile("site.jpg", png_bytes(), content_type="image/jpeg")  # the name lies; content wins
    response = client.post(reverse("escalation:inspection_create"), form(park_project, photos=[photo]))
    assert response.status_code == 302
    stored = InspectionPhoto.objects.get()
    assert stored.content_type == "image/png" and stored.file.name.endswith(".png")
    assert str(settings.MEDIA_ROOT) in stored.file.path  # under MEDIA_ROOT, not under static files
    assert (stored.width, stored.height) == (40, 30)


def test_it_refuses_a_file_that_is_not_an_image_with_a_clear_message(client, park_project, personas):
    client.force_login(personas.supervisor)
    fake = SimpleUploadedFile("report.png", b"%PDF-1.7 not an image", content_type="image/png")
    response = client.post(reverse("escalation:inspection_create"), form(park_project, photos=[fake]))
    assert response.status_code == 400
    assert "report.png is not an image: upload a JPEG, PNG or WebP photo." in response.content.decode()
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


def test_it_refuses_an_oversized_photo_with_a_clear_message(client, park_project, personas, settings):
    settings.INVESTLEDGER_PHOTO_MAX_BYTES = 1024
    client.force_login(personas.supervisor)
    big = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2048, content_type="image/png")
    response = client.post(reverse("escalation:inspection_create"), form(park_project, photos=[big]))
    assert response.status_code == 400
    assert "photos may be at most" in response.content.decode()
    assert not Inspection.objects.exists()


def test_it_refuses_a_gif_even_though_it_is_an_image(client, park_project, personas):
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    client.force_login(personas.supervisor)
    gif = SimpleUploadedFile("anim.gif", buffer.getvalue(), content_type="image/gif")
    response = client.post(reverse("escalation:inspection_create"), form(park_project, photos=[gif]))
    assert response.status_code == 400
    assert "is a GIF image" in response.content.decode()


def _inspection_with_photo(client, project, personas):
    client.force_login(personas.supervisor)
    client.post(
        reverse("escalation:inspection_create"),
        form(project, photos=[SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")]),
    )
    client.logout()
    return InspectionPhoto.objects.get()


def test_the_photo_is_served_to_those_who_see_the_project_and_hidden_from_others(client, park_project, personas):
    photo = _inspection_with_photo(client, park_project, personas)
    url = reverse("escalation:photo", args=[photo.pk])
    client.force_login(personas.officer_park)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    client.force_login(personas.officer_south)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_district_officer_cannot_add_photos_to_an_inspection(client, park_project, personas):
    photo = _inspection_with_photo(client, park_project, personas)
    client.force_login(personas.officer_north)
    url = reverse("escalation:inspection_detail", args=[photo.inspection_id])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    assert client.post(url, {"photo": upload}).status_code == 403
    client.force_login(personas.officer_south)
    assert client.get(url).status_code == 404


def test_a_supervisor_adds_a_photo_and_a_bad_one_is_refused(client, park_project, personas):
    photo = _inspection_with_photo(client, park_project, personas)
    client.force_login(personas.supervisor)
    url = reverse("escalation:inspection_detail", args=[photo.inspection_id])
    bad = SimpleUploadedFile("x.png", b"hello", content_type="image/png")
    response = client.post(url, {"photo": bad})
    assert response.status_code == 400 and "x.png is not an image" in response.content.decode()
    good = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
    assert client.post(url, {"photo": good, "caption": "Gate"}).status_code == 302
    assert InspectionPhoto.objects.count() == 2
