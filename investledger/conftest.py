"""Test fixtures shared by every app: personas per role and area, and browser settings."""

import os
import shutil

import pytest

from investledger.testing import Personas, build_reference_data


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Chinese leaves its language active in
    the thread that served it, which would otherwise leak into whatever test runs next."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what is cached is keyed on the audit chain's tail, and a
    rolled-back test gives its entry ids back on SQLite, so the next test could read another's lists."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed with a fast hasher in tests; production keeps PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    return build_reference_data()


@pytest.fixture
def personas(reference_data):
    return Personas.create(reference_data)


# --- Browser tests: Debian's Chromium driven by Playwright ---

CHROMIUM = os.environ.get("INVESTLEDGER_CHROMIUM", "/usr/bin/chromium")
# Playwright's fixtures: a test that uses one (directly or through another fixture) drives Chromium.
PLAYWRIGHT_FIXTURES = {"page", "context", "browser", "browser_type", "playwright"}


def unmarked_browser_tests(items) -> list[str]:
    """Tests that drive Chromium without the `browser` marker (so `-m "not browser"` would still run them)."""
    return [
        item.nodeid
        for item in items
        if PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("browser") is None
    ]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    unmarked = unmarked_browser_tests(items)
    if unmarked:
        raise pytest.UsageError(
            "these tests drive Chromium but are not marked browser (add pytestmark = pytest.mark.browser): "
            + ", ".join(unmarked)
        )
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("INVESTLEDGER_REQUIRE_BROWSER"):
        return  # let them fail loudly: CI must run the browser tests
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
