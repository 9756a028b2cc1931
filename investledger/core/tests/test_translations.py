"""Every catalogue is complete in Simplified Chinese, and its compiled .mo matches the .po."""

import gettext
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'(#, fuzzy\n)?(?:#\|.*\n)*(?:msgctxt "(?P<ctx>(?:[^"\\]|\\.)*)"\n)?msgid "(?P<id>(?:[^"\\]|\\.)*)"\n(?:"(?:[^"\\]|\\.)*"\n)*(?:msgid_plural .*\n(?:".*"\n)*)?msgstr(?:\[0\])? "(?P<str>(?:[^"\\]|\\.)*)"'
)


def entries(path: Path):
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    return list(ENTRY.finditer(body))


def test_there_is_a_catalogue_per_app_with_strings():
    apps = {p.relative_to(PACKAGE).parts[0] for p in CATALOGUES}
    assert {
        "core",
        "accounts",
        "projects",
        "events",
        "investors",
        "supervision",
        "escalation",
        "reporting",
        "intake",
    } <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE).parts[0]))
def test_every_string_is_translated_and_none_is_fuzzy(po):
    untranslated = [m["id"] for m in entries(po) if m["id"] and not m["str"]]
    fuzzy = [m["id"] for m in entries(po) if m.group(1)]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE).parts[0]))
def test_the_compiled_catalogue_holds_every_translation(po):
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for match in entries(po):
        if not match["id"] or match["ctx"] or "\\" in match["id"]:
            continue  # context and escaped strings are looked up differently; plain ones suffice
        assert compiled.gettext(match["id"]) != match["id"] or match["str"] == match["id"], match["id"]
