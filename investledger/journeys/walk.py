"""A browser page and the few moves every journey makes: it signs in from the login page (the only
address ever typed), switches language with the page's own buttons and follows menu entries by name."""

from __future__ import annotations

import os
from pathlib import Path

from investledger.testing import PASSWORD

SHOTS = Path(os.environ.get("INVESTLEDGER_SCREENSHOTS", "/tmp/investledger-journeys"))


class Walk:
    """A browser page plus the few moves every journey makes, in one language."""

    def __init__(self, page, live_server, language: str, name: str):
        self.page = page
        self.base = live_server.url
        self.language = language
        self.name = name
        page.set_viewport_size({"width": 1400, "height": 900})

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/accounts/login/")  # the only address ever typed: the login page
        if self.language != "en":
            self.page.click(f"button[data-language={self.language}]")
            self.page.wait_for_load_state()
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, self.page.content()[:2000]

    def nav(self, english: str, chinese: str) -> None:
        """Follow an entry of the main menu by its visible name."""
        label = english if self.language == "en" else chinese
        self.page.locator("nav.navbar").get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_load_state()

    def say(self, english: str, chinese: str) -> str:
        return english if self.language == "en" else chinese

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{step}-{self.language}.png"), full_page=True)
