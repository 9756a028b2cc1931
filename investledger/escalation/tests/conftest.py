import pytest

from investledger.testing import make_project


@pytest.fixture
def park_project(reference_data):
    """A project in North Park (so North's and the park's officers are its district)."""
    return make_project(area=reference_data.north_park, sector=reference_data.ev, name="North Park battery plant")


@pytest.fixture
def south_project(reference_data):
    return make_project(area=reference_data.south, sector=reference_data.bio, name="South vaccine plant")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
