import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files go to a throw-away folder, never the real upload store."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.AXES_ENABLED = False
    return settings.MEDIA_ROOT


@pytest.fixture
def login(client):
    from investledger.testing import PASSWORD

    def as_user(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return as_user
