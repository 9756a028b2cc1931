"""The watch list: signals of trouble or progress in the articles the intake reads, matched to the
projects they name, for a supervisor to confirm or dismiss.

Matching: a signal's sentence names an investor or a project of the ledger (`newsread.watch.named`);
failing that, the article as a whole names exactly one investor and the sentence speaks of "the
project" or "the company". An investor with several projects: those the article names by project
name, else all of them (each then waits for a person). Matched against the whole ledger, so that an
article read in one district flags a project of another; each flag is seen only by those who see its
project (`WatchSignal.access_via`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investledger.core import access, audit, versions
from investledger.core.access import Action
from investledger.core.models import AuditEntry
from investledger.intake.errors import ImportRefused
from investledger.intake.models import PressRelease, WatchSignal
from investledger.ledger.projects.models import Project
from investledger.newsread import watch

# The signals in the user's language (the library gives codes).
SAID = {
    "terminated": gettext_lazy("terminated"),
    "suspended": gettext_lazy("suspended or halted"),
    "withdrawn": gettext_lazy("investor withdrew"),
    "bankrupt": gettext_lazy("bankrupt or liquidated"),
    "relocated": gettext_lazy("relocated"),
    "started": gettext_lazy("construction started"),
    "in_production": gettext_lazy("in production"),
    "completed": gettext_lazy("completed"),
}
_ANAPHORA = re.compile(r"\bthe (?:project|company|plant|base|factory)\b|\bits\b|该项目|该公司|项目|公司", re.IGNORECASE)


def said(code: str) -> str:
    return str(SAID.get(code, code))


def _projects_named(text: str, sentence: str, ledger: list[tuple[int, str, str]]) -> set[int]:
    investors: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, investor in ledger:
        investors[investor].append((pk, name))
    project_names = [name for _, name, _ in ledger]
    in_article = watch.named(text, project_names)
    by_project = {pk for pk, name, _ in ledger if name in watch.named(sentence, project_names)}
    if by_project:
        return by_project
    named = watch.named(sentence, list(investors))
    if not named and _ANAPHORA.search(sentence):
        whole = watch.named(text, list(investors))
        named = whole if len(whole) == 1 else set()
    found: set[int] = set()
    for investor in named:
        projects = investors[investor]
        chosen = [pk for pk, name in projects if name in in_article]
        found.update(chosen or [pk for pk, _ in projects])
    return found


def watch_release(release: PressRelease) -> list[WatchSignal]:
    """Flag the projects a read article gives signals about (call inside the transaction that keeps it)."""
    found = watch.signals(release.text)
    if not found:
        return []
    ledger = list(Project.objects.values_list("pk", "name", "investor__name"))
    made = []
    for signal in found:
        for pk in sorted(_projects_named(release.text, signal["evidence"]["text"], ledger)):
            made.append(
                WatchSignal.objects.create(
                    project_id=pk,
                    release=release,
                    code=signal["code"],
                    kind=signal["kind"],
                    evidence=signal["evidence"]["text"][:2000],
                    span=signal["span"],
                )
            )
    for item in made:
        audit.record(item, AuditEntry.Kind.CREATE, message=f"watch: {item.code} in import:{release.batch_id}")
    return made


def signals_for_project(user, project: Project) -> dict[str, Any]:
    """What the project page shows of the watch list: its signals the user may see, and whether the
    user may confirm or dismiss them."""
    rows = list(
        WatchSignal.objects.visible_to(user).filter(project=project).select_related("decided_by", "release__batch")
    )
    for row in rows:
        row.said = said(row.code)
    may = access.can(user, Action.SUPERVISE) and (
        Project.objects.visible_to(user, Action.SUPERVISE).filter(pk=project.pk).exists()
    )
    return {"signals": rows, "can_decide": may}


def signal_decide(*, signal: WatchSignal, user, status: str, version: int | None) -> WatchSignal:
    """Confirm or dismiss a signal (or set it back to be confirmed); the project itself is not changed."""
    if status not in WatchSignal.Status.values:
        raise ImportRefused(_("Unknown decision %(d)s.") % {"d": status})
    with transaction.atomic():
        locked = versions.lock(WatchSignal.objects.all(), signal.pk, version)
        before = audit.snapshot(locked)
        locked.status, locked.decided_by = status, user
        locked.version += 1
        locked.save()
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=f"watch signal {status}")
    return locked
