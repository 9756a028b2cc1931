import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created for every test; the production hasher would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Every upload is read and checked by a background task; here the task runs as it is queued
    (django-tasks' ImmediateBackend), so a request's work is done by the time its response is read.
    Tests of the queue itself set the database backend back."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def progress_in_tmp(settings, tmp_path):
    """Progress files of test imports stay out of the real data directory."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _media_url_for_the_live_server():
    """MEDIA_URL = None (uploads are never served directly) breaks the live server's media handler,
    which is built once per session; a prefix that no page links to keeps it working in tests."""
    from django.test import override_settings

    with override_settings(MEDIA_URL="/not-served/"):
        yield
