"""Every setting the product reads is declared in config/settings.py, and every "today" comes from core.clock.

The product's code is scanned as text: a setting read as `settings.NAME` or `getattr(settings, "NAME", ...)`
must be defined in the settings module (with its comment, where an operator finds it), the environment is
read only there, and the real clock is read only by core/clock.py or on a line that says why it needs real
time (`# real time: ...`, e.g. a row's own wall-clock stamp).
"""

import re
from pathlib import Path

import pytest

import investledger
from investledger.config import settings as settings_module

PACKAGE = Path(investledger.__file__).resolve().parent

SETTING_READ = re.compile(r"""\bsettings\.([A-Z][A-Z0-9_]*)\b|getattr\(\s*settings\s*,\s*["']([A-Z][A-Z0-9_]*)["']""")
ENVIRONMENT_READ = re.compile(r"""\bos\.(?:environ\s*(?:\[|\.get\s*\()|getenv\s*\()\s*["']?([A-Z0-9_]*)""")
REAL_CLOCK = re.compile(
    r"\bdate\.today\(\)|\btimezone\.now\(\)|\btimezone\.localdate\(\)|\bdatetime\.(?:utc)?now\(|\btime\.time\(\)"
)


def _product_files():
    """The product's Python files: not its tests, their fixtures and the browser journeys."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or parts[0] == "journeys" or path.name == "conftest.py":
            continue
        yield path


def settings_read(text: str) -> set[str]:
    return {a or b for a, b in SETTING_READ.findall(text)}


def undeclared(text: str) -> set[str]:
    return {name for name in settings_read(text) if not hasattr(settings_module, name)}


def test_the_scan_finds_a_setting_read_either_way():
    text = 'x = settings.DEBUG\ny = getattr(settings, "INVESTLEDGER_NOT_A_SETTING", 3)\nz = settings.NOR_THIS'
    assert settings_read(text) == {"DEBUG", "INVESTLEDGER_NOT_A_SETTING", "NOR_THIS"}
    assert undeclared(text) == {"INVESTLEDGER_NOT_A_SETTING", "NOR_THIS"}


def test_every_setting_the_code_reads_is_declared_in_the_settings_module():
    files = list(_product_files())
    assert len(files) > 50  # the scan reaches the apps
    missing = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in files
        for name in undeclared(path.read_text(encoding="utf-8"))
    }
    assert not missing, "declare these in investledger/config/settings.py, with a comment: " + ", ".join(
        sorted(missing)
    )


def test_only_the_settings_module_reads_the_environment():
    settings_file = Path(settings_module.__file__).resolve()
    readers = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in _product_files()
        if path != settings_file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ENVIRONMENT_READ.search(line)
    ]
    assert not readers, "read the environment in config/settings.py and the setting here: " + ", ".join(readers)


@pytest.mark.parametrize(
    "line",
    ["d = dt.date.today()", "n = timezone.now()", "t = datetime.now(tz)", "x = timezone.localdate()"],
)
def test_the_scan_finds_the_real_clock(line):
    assert REAL_CLOCK.search(line)


def test_today_and_now_come_from_the_products_clock():
    clock_file = PACKAGE / "core" / "clock.py"
    readers = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _product_files()
        if path != clock_file
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if REAL_CLOCK.search(line) and "# real time" not in line
    ]
    assert not readers, (
        "use investledger.core.clock (today()/now()), or say on the line why it needs real time "
        "(# real time: ...): " + "; ".join(readers)
    )


@pytest.mark.django_db
def test_postgresql_connections_compile_no_query_plans_just_in_time():
    """JIT compilation cost 2.0 s of a 2.25 s matching query that runs in 0.2 s without it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
