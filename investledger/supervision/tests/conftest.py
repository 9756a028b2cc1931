import pytest


@pytest.fixture(scope="session", autouse=True)
def _media_url_for_the_live_server():
    """MEDIA_URL = None (evidence is never served directly) breaks the live server's media handler;
    a prefix that no page links to keeps it working in browser tests."""
    from django.test import override_settings

    with override_settings(MEDIA_URL="/not-served/"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a throw-away folder, never the real upload store."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
    return settings.MEDIA_ROOT


@pytest.fixture
def login(client):
    from investledger.core.testing import PASSWORD

    def as_user(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return as_user
