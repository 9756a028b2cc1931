"""One English message, one Chinese translation, whichever catalogue holds it.

Django merges every app's catalogue into one, and for a message several catalogues hold, the first
app in INSTALLED_APPS (or the package's own catalogue, before all) wins: a page of one app would show
another app's wording. A message that means different things in different places takes a context
(`pgettext`), which makes it another message.
"""

import gettext
from collections import defaultdict
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR)


def catalogues() -> dict[str, dict]:
    """{catalogue: {message: translation}} read from the compiled files Django loads."""
    out = {}
    for mo in sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.mo")):
        if "node_modules" in mo.parts or "static" in mo.parts:
            continue
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        out[str(mo.relative_to(PACKAGE).parents[2]) or "."] = {
            key: value for key, value in catalogue.items() if key and value
        }
    return out


def disagreements(found: dict[str, dict]) -> dict:
    by_message = defaultdict(dict)
    for name, catalogue in found.items():
        for key, value in catalogue.items():
            by_message[key][name] = value
    return {key: where for key, where in by_message.items() if len(set(where.values())) > 1}


def test_the_agreement_check_finds_a_message_translated_two_ways():
    found = {"projects": {"Sector": "产业"}, "reporting": {"Sector": "行业", "Value": "数值"}}
    assert disagreements(found) == {"Sector": {"projects": "产业", "reporting": "行业"}}


def test_no_two_catalogues_translate_one_message_differently():
    found = catalogues()
    assert len(found) >= 10, sorted(found)  # every app's catalogue and the package's own
    problems = disagreements(found)
    assert not problems, "Messages translated differently by different catalogues:\n" + "\n".join(
        f"{key!r}: " + ", ".join(f"{name} {value!r}" for name, value in sorted(where.items()))
        for key, where in sorted(problems.items(), key=lambda item: str(item[0]))
    )
