"""Press releases (新闻稿): the deals a release announces, reviewed by an officer, then filed as a signing list.

A release is pasted or uploaded (text, HTML, PDF, DOCX; English or Chinese); `newsread` proposes its
deals, each with the sentence it came from. The batch then waits for the review (REVIEWING): the
officer accepts, edits or rejects each deal (`release_decide`, versioned and audited). The accepted
deals become the rows of a signing list (`table`), which the signing list's own checker and writer
check and file: the same duplicate and re-signing checks, the same all-or-nothing commit, the same
audit entries. The document stays with the batch as its source (`PressRelease`).
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from investledger.core import access, audit, clock, versions
from investledger.core.access import Action
from investledger.intake import services, watch
from investledger.intake.fields import SIGNING_COLUMNS, Kind
from investledger.intake.kinds import ImportKind
from investledger.intake.kinds.signing import RowChecker
from investledger.intake.kinds.signing_write import write
from investledger.intake.models import ImportBatch, PressRelease, ReleaseDeal
from investledger.intake.parsing import SheetError, Table
from investledger.intake.values import normalise_key
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.services import event_set_announced
from investledger.ledger.projects.models import Project
from investledger.newsread import cli, loaders
from investledger.newsread.proposal import propose
from investledger.reference.models import Area, Sector

# The fields of a deal an officer may edit before accepting it: signing-list columns.
EDITABLE = ("name", "investor", "host_area", "sector", "contract_value", "currency", "agreement_type", "signed_on")
_NAMES = [c.name for c in SIGNING_COLUMNS]

# What the reader says, by code, in the reader's language (the library's own words are English).
MESSAGES = {
    "empty": gettext_lazy("The document is empty: there is nothing to read."),
    "too_large": gettext_lazy("The document is too large: a release may have 10 MB and 200,000 characters."),
    "binary": gettext_lazy("The document is binary, not text, HTML, PDF or DOCX."),
    "undecodable": gettext_lazy("The text is in no encoding the reader knows (UTF-8, GB18030, Big5)."),
    "unreadable": gettext_lazy("The document could not be read."),
    "duplicate": gettext_lazy("This document was already read."),
    "mixed_language": gettext_lazy("The document mixes English and Chinese; both were read."),
    "no_facts": gettext_lazy("No investment deal or announced total was found in this document."),
}
FLAGS = {
    "conversion_inconsistent": gettext_lazy("The stated conversion does not match the exchange rate of the year."),
    "hedged": gettext_lazy("The figure is hedged (about, over, nearly...): the amount is approximate."),
    "amount_without_investor": gettext_lazy("An amount is stated with no investor and is not a total."),
    "parts_exceed_whole": gettext_lazy("The breakdowns add up to more than the total."),
}


# Flags said with their figures (the library's `params`), by code; `what` tells the two kinds of
# parts exceeding the whole apart.
FLAGS_WITH_FIGURES = {
    "conversion_inconsistent": gettext_lazy(
        "%(amount)s is about %(expected)s at the %(year)s rate, not %(stated)s as stated."
    ),
    "hedged": gettext_lazy("The figure is hedged (%(hedge)s): the amount is approximate."),
    "amount_without_investor": gettext_lazy("%(amount)s is stated with no investor and is not a total."),
    "parts_exceed_whole/amount": gettext_lazy("The breakdowns add up to %(parts)s, more than the total of %(whole)s."),
    "parts_exceed_whole/count": gettext_lazy(
        "The breakdowns add up to %(parts)s projects, more than the total of %(whole)s."
    ),
}
HEDGES = {
    "about": gettext_lazy("about"),
    "nearly": gettext_lazy("nearly"),
    "over": gettext_lazy("over"),
    "up to": gettext_lazy("up to"),
}


def said(item: dict[str, Any]) -> str:
    """A message or flag of the reader in the user's language, with its figures where it gives them
    (its English words for a code unknown here)."""
    code = item.get("code", "")
    params = dict(item.get("params") or {})
    if params:
        key = f"{code}/{params['what']}" if "what" in params else code
        if "hedge" in params:
            params["hedge"] = str(HEDGES.get(params["hedge"], params["hedge"]))
        template = FLAGS_WITH_FIGURES.get(key)
        if template is not None:
            try:
                return str(template) % params
            except (KeyError, TypeError, ValueError):
                pass
    text = MESSAGES.get(code) or FLAGS.get(code)
    return str(text) if text else str(item.get("message", ""))


# --- Reading a release into a batch ----------------------------------------------------------------


# The reader's words for kinds of deal and of total, in the user's language.
KINDS_SAID = {
    "signed": gettext_lazy("signed"),
    "started": gettext_lazy("started"),
    "opportunity": gettext_lazy("opportunities"),
    "investment": gettext_lazy("investment"),
    "contract": gettext_lazy("contract"),
    "cooperation": gettext_lazy("cooperation"),
}


def kind_said(code: str | None) -> str:
    return str(KINDS_SAID.get(code or "", code or ""))


def _match(model, text: str | None):
    """The area or sector the reader's text names, or None when none matches exactly."""
    if not text:
        return None
    key = normalise_key(text)
    for obj in model.objects.only("name", "name_en", "code"):
        if key in (normalise_key(obj.name), normalise_key(obj.name_en or ""), normalise_key(obj.code)):
            return obj
    return None


def _event_named(proposal: dict[str, Any]) -> SigningEvent | None:
    name = (proposal.get("event") or {}).get("name")
    if not name:
        return None
    key = normalise_key(name["value"])
    for event in SigningEvent.objects.only("name", "name_en", "date"):
        if key in (normalise_key(event.name), normalise_key(event.name_en or "")):
            return event
    return None


def deal_values(proposal: dict[str, Any], deal: dict[str, Any]) -> dict[str, str]:
    """The signing-list row a proposed deal becomes, before the officer's edits."""
    cells = cli.signing_rows({**proposal, "deals": [deal]}, _NAMES)[0]
    row = dict(zip(_NAMES, cells, strict=True))
    values = {name: row.get(name, "") for name in EDITABLE}
    area, sector = _match(Area, deal.get("host_area")), _match(Sector, deal.get("sector"))
    values["host_area"] = area.name if area else ""
    values["sector"] = sector.name if sector else ""
    # A name to start from, in the release's language: the investor and the sector, as projects are named.
    if proposal.get("language") == "zh":
        values["name"] = f"{deal['investor']}{sector.name if sector else ''}项目"
    else:
        values["name"] = f"{deal['investor']} {sector.name_en if sector and sector.name_en else ''} project".replace(
            "  ", " "
        )
    values["description"] = row.get("description", "")
    return values


def release_store(*, user, data: bytes | str, file_name: str, event: SigningEvent | None = None) -> ImportBatch:
    """Read a release and keep it as a batch waiting for the review, one proposed deal a row.

    Refused (SheetError, leaving nothing behind) when the document cannot be read, or was read before.
    """
    if not access.can(user, Action.CREATE):
        raise PermissionError(str(KIND.refused))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > loaders.MAX_BYTES:
        raise SheetError(str(MESSAGES["too_large"]))
    digest = hashlib.sha256(raw).hexdigest()
    earlier = PressRelease.objects.filter(content_sha256=digest).select_related("batch").first()
    if earlier is not None:
        if PressRelease.objects.visible_to(user).filter(pk=earlier.pk).exists():
            raise SheetError(
                _("This release was already read: import #%(n)s of %(date)s.")
                % {"n": earlier.batch_id, "date": f"{earlier.batch.created:%Y-%m-%d}"}
            )
        raise SheetError(str(MESSAGES["duplicate"]))
    proposal = propose(raw, file_name, include_text=True)
    problem = next((m for m in proposal["messages"] if m["level"] == "error"), None)
    if problem is not None:
        raise SheetError(said(problem))
    text = proposal.pop("text")
    folder = Path(settings.MEDIA_ROOT) / "imports" / clock.today().strftime("%Y/%m")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file_name).suffix.lower()[:8] or ".txt"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(raw)
    headers = [c.header for c in SIGNING_COLUMNS]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=Kind.RELEASES,
            file=str(path.relative_to(settings.MEDIA_ROOT)),
            file_name=Path(file_name).name[:255],
            file_size=len(raw),
            file_format=(proposal["format"] or "")[:8],
            uploaded_by=user,
            area=services._scope_area(user, Action.CREATE),
            event=event or _event_named(proposal),
            status=ImportBatch.Status.REVIEWING,
            header_row=0,  # the accepted deals are rows 1, 2...: their numbers in the review
            headers=headers,
            mapping={str(i): name for i, name in enumerate(_NAMES)},
            rows_total=len(proposal["deals"]),
        )
        release = PressRelease.objects.create(
            batch=batch, text=text, language=proposal["language"] or "", content_sha256=digest, proposal=proposal
        )
        ReleaseDeal.objects.bulk_create(
            ReleaseDeal(release=release, number=n, proposed=deal, values=deal_values(proposal, deal))
            for n, deal in enumerate(proposal["deals"], start=1)
        )
        watch.watch_release(release)
    return batch


# --- The review --------------------------------------------------------------------------------------


def _reviewing(batch: ImportBatch) -> None:
    if batch.status != ImportBatch.Status.REVIEWING:
        raise services.ImportRefused(_("This release is not waiting for the review."))


def release_decide(
    *, deal: ReleaseDeal, user, decision: str, values: dict[str, str] | None = None, version: int | None = None
) -> ReleaseDeal:
    """Accept (with the officer's edits, if any) or reject one proposed deal, or set it back to
    undecided. Refuses a change made on an older version of the deal (EditConflict)."""
    if decision not in ReleaseDeal.Decision.values:
        raise services.ImportRefused(_("Unknown decision %(d)s.") % {"d": decision})
    with transaction.atomic():
        locked = versions.lock(ReleaseDeal.objects.select_related("release__batch"), deal.pk, version)
        _reviewing(locked.release.batch)
        before = audit.snapshot(locked)
        if values:
            locked.values = {**locked.values, **{k: str(v or "").strip() for k, v in values.items() if k in EDITABLE}}
        locked.decision = decision
        locked.decided_by = user
        locked.version += 1
        locked.save()
        audit.record(locked, audit.AuditEntry.Kind.UPDATE, before=before, message=f"release review {decision}")
    return locked


def release_set_event(*, batch: ImportBatch, event: SigningEvent | None) -> ImportBatch:
    """The signing event of the release's deals (those whose row names none)."""
    _reviewing(batch)
    batch.event = event
    batch.save(update_fields=["event", "updated"])
    return batch


def release_check(*, batch: ImportBatch) -> ImportBatch:
    """Check the accepted deals as the rows of a signing list (queued for the worker, as any check)."""
    _reviewing(batch)
    deals = ReleaseDeal.objects.filter(release__batch=batch)
    pending = deals.filter(decision=ReleaseDeal.Decision.PENDING).count()
    if pending:
        raise services.ImportRefused(_("%(n)s deals are undecided: accept or reject each one first.") % {"n": pending})
    accepted = deals.filter(decision=ReleaseDeal.Decision.ACCEPTED).count()
    if not accepted:
        raise services.ImportRefused(_("No deal was accepted: there is nothing to write to the ledger."))
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=accepted)
    batch.refresh_from_db()
    return services.batch_start_validation(batch)


def release_reopen(*, batch: ImportBatch) -> ImportBatch:
    """Back to the review from a check (to edit a deal the check refused): nothing was written yet."""
    if batch.status not in (ImportBatch.Status.VALIDATED, ImportBatch.Status.FAILED):
        raise services.ImportRefused(_("Only a checked release that is not committed can be reviewed again."))
    batch.rows.all().delete()
    batch.chunks.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.REVIEWING,
        message="",
        rows_read=0,
        rows_validated=0,
        error_count=0,
        warning_count=0,
        new_count=0,
        existing_count=0,
        updated=clock.now(),
    )
    batch.refresh_from_db()
    return batch


# --- What a release announced for its event -----------------------------------------------------------


def headline(proposal: dict[str, Any]) -> dict[str, Any] | None:
    """The release's top-level total of projects signed (or started): the largest by count, then value."""
    totals = [a for a in proposal.get("aggregates", []) if a.get("kind") != "opportunity"]
    if not totals:
        return None
    return max(totals, key=lambda a: (a["project_count"] or 0, (a["amount"] or {}).get("cny_value") or 0))


def _cny(aggregate: dict[str, Any]) -> Decimal | None:
    value = (aggregate.get("amount") or {}).get("cny_value")
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None


def announced_for_event(user, event: SigningEvent) -> list[dict[str, Any]]:
    """The totals the releases of an event announced, for the event page: one per release the user
    may see (a release belongs to its uploader's area, as its batch)."""
    found = []
    for release in PressRelease.objects.visible_to(user).filter(batch__event=event).select_related("batch"):
        top = headline(release.proposal)
        if top is None:
            continue
        found.append(
            {
                "label": f"#{release.batch_id} {release.batch.file_name}",
                "url": reverse("intake:release_review", args=[release.batch_id]),
                "count": top["project_count"],
                "value_cny": _cny(top),
                "evidence": top["evidence"]["text"],
            }
        )
    return found


def release_announce(*, batch: ImportBatch, number: int) -> SigningEvent:
    """Take a total the release announced (its `number`, from 1, among the proposal's aggregates) as the
    announced figures of the batch's event, audited (`events.services.event_set_announced`)."""
    if batch.event is None:
        raise services.ImportRefused(_("Choose the signing event of this release first."))
    aggregates = PressRelease.objects.get(batch=batch).proposal.get("aggregates", [])
    if not 1 <= number <= len(aggregates):
        raise services.ImportRefused(_("The release announced no such total."))
    chosen = aggregates[number - 1]
    return event_set_announced(
        event=batch.event, count=chosen["project_count"], value_cny=_cny(chosen), source=f"import:{batch.pk}"
    )


def announced_again(user, deals: list[ReleaseDeal]) -> dict[int, list[Project]]:
    """For each proposed deal (by number), the projects of the ledger the user may see whose investor
    is the deal's and whose signed value is below the deal's amount: perhaps the same deal announced
    again with a larger amount, the known way a re-signing inflates a ledger. One query for the release."""
    wanted = {
        d.number: (normalise_key(d.proposed.get("investor") or ""), Decimal(str(d.proposed["amount"]["cny_value"])))
        for d in deals
        if (d.proposed.get("amount") or {}).get("cny_value") and d.proposed.get("investor")
    }
    if not wanted:
        return {}
    names = {d.proposed["investor"].strip() for d in deals if d.proposed.get("investor")}
    candidates = (
        Project.objects.visible_to(user)
        .filter(Q(investor__name__in=names) | Q(investor__name_en__in=names), value_undisclosed=False)
        .select_related("investor")
        .order_by("-contract_value_cny")
    )
    found: dict[int, list[Project]] = {}
    for project in candidates:
        keys = {normalise_key(project.investor.name), normalise_key(project.investor.name_en or "")}
        for number, (key, amount) in wanted.items():
            if key in keys and project.contract_value_cny < amount:
                found.setdefault(number, []).append(project)
    return found


def table(batch: ImportBatch) -> Table:
    """The accepted deals as the rows of a signing list, numbered as in the review."""
    rows = [
        (d.number, [d.values.get(name) or None for name in _NAMES])
        for d in ReleaseDeal.objects.filter(release__batch=batch, decision=ReleaseDeal.Decision.ACCEPTED).order_by(
            "number"
        )
    ]

    def rows_from(start: int = 1):
        return iter([r for r in rows if r[0] >= start])

    return Table("release", "", len(rows), [list(batch.headers)], _rows=rows_from, headers=list(batch.headers))


def highlighted(text: str, deals: list[ReleaseDeal]) -> list[tuple[str, list[int]]]:
    """The text in pieces, each with the numbers of the deals whose evidence it is (none outside)."""
    marks: dict[int, list[int]] = {}
    for deal in deals:
        start, end = deal.proposed["evidence"]["span"]
        for i in range(max(start, 0), min(end, len(text))):
            marks.setdefault(i, []).append(deal.number)
    pieces: list[tuple[str, list[int]]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marks.get(i) != marks.get(start):
            pieces.append((text[start:i], marks.get(start, [])))
            start = i
    return pieces


KIND = ImportKind(
    name=Kind.RELEASES,
    label=gettext_lazy("Press release"),
    columns=SIGNING_COLUMNS,
    action=Action.CREATE,
    refused=gettext_lazy("You may not import projects."),
    checker=RowChecker,
    write=write,
    sheet_title="签约项目 Signings",
    template_file="signing-list-template.xlsx",
    new_label=gettext_lazy("new projects"),
    existing_label=gettext_lazy("already in the ledger"),
    commit_button=ngettext_lazy(
        "Write %(n)s accepted deal to the ledger", "Write %(n)s accepted deals to the ledger", "n"
    ),
    committed_text=gettext_lazy("Written: %(new)s new projects, %(existing)s deals of projects already in the ledger."),
    preview_template="intake/kinds/signings_preview.html",
    table=table,
)
