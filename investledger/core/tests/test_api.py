"""The API's shared machinery: OpenAPI schema and Swagger UI served from our own static files."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

STATIC = "/" + settings.STATIC_URL.lstrip("/")


def test_the_schema_describes_every_ledger_endpoint(personas):
    client = Client()
    client.force_login(personas.leader)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/projects/",
        "/api/projects/{id}/",
        "/api/projects/{id}/side-state/",
        "/api/projects/{id}/signings/",
        "/api/events/",
        "/api/investors/",
        "/api/areas/",
        "/api/sectors/",
        "/api/units/",
        "/api/me/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/projects/"]["post"]["responses"]
    assert {"tokenAuth", "cookieAuth"} <= set(response.json()["components"]["securitySchemes"])


def test_the_docs_page_loads_its_scripts_and_styles_from_our_static_files(personas):
    client = Client()
    client.force_login(personas.leader)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts_and_styles = [a for a in assets if a.endswith((".js", ".css"))]
    assert any("swagger-ui-bundle.js" in a for a in scripts_and_styles)
    assert any("swagger-ui.css" in a for a in scripts_and_styles)
    for asset in scripts_and_styles:
        assert asset.startswith(STATIC + "drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix(STATIC)), f"{asset} is not in our static files"
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html


@pytest.mark.browser
def test_the_docs_page_shows_the_operations_in_a_browser(personas, live_server, page):
    client = Client()
    client.force_login(personas.leader)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    blocked_scripts = []  # the inline <style> of the page is cosmetic; a blocked script is a blank page
    page.on(
        "console",
        lambda m: (
            blocked_scripts.append(m.text) if "Content Security Policy" in m.text and "script" in m.text else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    page.screenshot(path="/tmp/api-docs.png", full_page=False)
    assert page.locator(".opblock-summary-path", has_text="/api/projects/").count() >= 1
    assert blocked_scripts == []
