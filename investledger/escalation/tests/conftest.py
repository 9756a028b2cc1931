import pytest

from investledger.core.testing import make_project


@pytest.fixture
def park_project(reference_data):
    """A project in North Park (so North's and the park's officers are its district)."""
    return make_project(area=reference_data.north_park, sector=reference_data.ev, name="North Park battery plant")


@pytest.fixture
def south_project(reference_data):
    return make_project(area=reference_data.south, sector=reference_data.bio, name="South vaccine plant")


@pytest.fixture(scope="session", autouse=True)
def _media_url_for_the_live_server():
    """MEDIA_URL = None (uploads are never served directly) breaks the live server's media handler,
    which is built once per session; a prefix that no page links to keeps it working in tests."""
    from django.test import override_settings

    with override_settings(MEDIA_URL="/not-served/"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Personas are created per test; a fast hasher keeps that cheap (security is not under test here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
