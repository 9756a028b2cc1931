"""The Chinese catalogues cannot drift from the code: a fresh `makemessages` over a copy of the package
finds every message the code and templates hold, and each must already be translated (not missing,
not empty, not fuzzy) in the committed catalogue of the app that holds it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR)
LANGUAGE = "zh_Hans"


def _tools_missing() -> bool:
    return not (shutil.which("xgettext") and shutil.which("msgattrib"))


pytestmark = pytest.mark.skipif(
    _tools_missing() and not os.environ.get("INVESTLEDGER_REQUIRE_GETTEXT"),
    reason="gettext tools (xgettext, msgattrib) are not installed: apt-get install gettext",
)


def _catalogue_roots() -> list[Path]:
    """Each app with a `locale/` folder has its own catalogue; the package's own (page frame, settings)
    covers what no app folder holds."""
    apps = (path.parent for path in PACKAGE.glob("**/locale") if path.parent != PACKAGE)
    return sorted(app for app in apps if "node_modules" not in app.parts and "static" not in app.parts) + [PACKAGE]


def _entries(po: Path, flag: str) -> list[str]:
    out = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True).stdout
    found = []
    for block in out.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if not msgid or not msgid.group(1):
            continue  # the header
        where = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        found.append(f'{po.parent.parent.parent.parent.name}: "{msgid.group(1)}" ({where})')
    return found


def test_every_message_in_the_code_is_translated_into_chinese(tmp_path):
    copy = tmp_path / "investledger"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "node_modules"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # django-admin, not `python -m django`: the latter puts the app folder first on sys.path, where an
    # app's selectors.py would shadow the standard library's.
    django_admin = [str(Path(sys.executable).parent / "django-admin"), "makemessages"]
    problems = []
    app_dirs = [root for root in _catalogue_roots() if root != PACKAGE]
    for root in _catalogue_roots():
        target = copy / root.relative_to(PACKAGE)
        args = [*django_admin, "-l", LANGUAGE, "--no-obsolete"]
        if root == PACKAGE:
            args += [f"--ignore={app.relative_to(PACKAGE)}/*" for app in app_dirs] + ["--ignore=static/*"]
        result = subprocess.run(args, cwd=target, env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        po = target / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
        problems += [f"untranslated {entry}" for entry in _entries(po, "--untranslated")]
        problems += [f"fuzzy {entry}" for entry in _entries(po, "--only-fuzzy")]
    assert not problems, "Messages missing from the Chinese catalogues:\n" + "\n".join(problems)
