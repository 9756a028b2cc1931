"""The demo ledger: real published figures of signing events, made into a working ledger.

`investledger demo` loads reference data (areas of Chongqing, Chengdu and Meishan, units, the
sector taxonomy), the events and their projects, and one demo user per role. Where a source gives
only totals, the individual projects are illustrative and marked `is_demo`; their amounts are
explicit tables that add up exactly to the published figures. Loading is idempotent.

Other apps extend the demo with a module `investledger.<app>.demo` defining `load()`: it is called
after the ledger is loaded (with `stdout=` when it accepts that argument), inside
`audit_context(source="command:demo")` and a transaction of its own, and must itself be idempotent.
One extension failing does not undo the ledger or stop the others; its error is reported.
"""

from __future__ import annotations

import importlib
import inspect
import time
from dataclasses import dataclass, field

from django.db import transaction

from investledger.core import clock
from investledger.core.audit import audit_context

from .ledger import ledger_opened, load_ledger
from .records import SOURCE, Tally
from .reference import load_reference
from .users import DEMO_PASSWORD, UserLine, load_users

EXTENSION_APPS = ("ledger.opportunities", "supervision", "escalation", "leads", "reporting", "intake", "matching")


@dataclass
class DemoResult:
    tally: Tally
    users: list[UserLine]
    events: dict
    extensions: list[str] = field(default_factory=list)
    failed: list[tuple[str, BaseException]] = field(default_factory=list)
    seconds: float = 0.0


def extension_modules():
    """The `investledger.<app>.demo` modules that exist. A missing module is skipped; an import
    error inside one that exists is not hidden."""
    modules = []
    for app in EXTENSION_APPS:
        name = f"investledger.{app}.demo"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def _call_extension(module, stdout) -> None:
    if stdout is not None and "stdout" in inspect.signature(module.load).parameters:
        module.load(stdout=stdout)
    else:
        module.load()


class _Progress:
    """One line per step as it starts, with the seconds since loading began: a first load takes minutes."""

    def __init__(self, stdout, started: float):
        self.stdout, self.started = stdout, started

    def __call__(self, what: str) -> None:
        if self.stdout is not None:
            self.stdout.write(f"» {what} ({time.monotonic() - self.started:.0f} s)")
            if hasattr(self.stdout, "flush"):
                self.stdout.flush()


def load(*, password: str = DEMO_PASSWORD, extensions: bool = True, stdout=None) -> DemoResult:
    started = time.monotonic()
    step = _Progress(stdout, started)
    tally = Tally()
    with audit_context(actor=None, source=SOURCE):
        with transaction.atomic():  # the ledger is loaded whole or not at all
            step("reference data: areas, units, sectors")
            with clock.frozen_at(ledger_opened()):
                load_reference(tally)
            step("demo users")
            users = load_users(tally, password=password)
            contact = next((line.user for line in users if line.spec.username == "contact"), None)
            step("investors, signing events, projects and their signings")
            events = load_ledger(tally, contact=contact)
        ran, failed = [], []
        if extensions:
            for module in extension_modules():
                step(f"{module.__name__.split('.')[-2]} demo data")
                try:
                    with transaction.atomic():
                        _call_extension(module, stdout)
                except Exception as exc:  # noqa: BLE001 - reported by the command, the others still run
                    failed.append((module.__name__, exc))
                else:
                    ran.append(module.__name__)
    return DemoResult(tally, users, events, ran, failed, time.monotonic() - started)
