"""A cached dashboard is kept with its texts translated: reading it back builds no lazy-string proxy."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def page(response) -> bytes:
    """The page without what changes on every response (CSP nonces, CSRF tokens)."""
    return re.sub(rb'(nonce="|value="|content="|"X-CSRFToken": ")[A-Za-z0-9+/=_-]{20,}"', rb"\1", response.content)


def stored_dashboards() -> list[bytes]:
    return [value for key, value in cache._cache.items() if "reporting:dashboard:" in key]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_cached_dashboard_reads_back_the_same_page_without_lazy_strings(
    client, ledger, personas, today, cached, lang
):
    client.force_login(personas.admin)
    first = client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE=lang)
    stored = stored_dashboards()
    assert len(stored) == 1
    assert b"_lazy_proxy_unpickle" not in stored[0]
    again = client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE=lang)
    assert first.status_code == again.status_code == 200
    assert page(again) == page(first)


def test_each_language_has_its_own_cached_dashboard(client, ledger, personas, today, cached):
    client.force_login(personas.admin)
    english = page(client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="en"))
    chinese = page(client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert len(stored_dashboards()) == 2
    assert page(client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="en")) == english != chinese
