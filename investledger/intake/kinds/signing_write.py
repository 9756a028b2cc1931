"""Writing a checked signing list: new projects, first signings and new investors as plain rows with
their audit entries, in bulk (`core.bulk`: the snapshots and hash chain of `core.audit`), and
re-signings through `projects.services.signing_add`; all in the commit's transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from decimal import Decimal
from typing import cast

from django.utils.translation import gettext as _

from investledger.core import access, audit, bulk, clock
from investledger.core.access import Action
from investledger.core.money import convert_to_cny
from investledger.intake import preview, progress
from investledger.intake.errors import ImportRefused
from investledger.intake.kinds import ParsedRow
from investledger.intake.kinds.signing_rules import MODEL_FIELDS
from investledger.intake.models import ImportBatch, ImportRow
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import Light, SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.ledger.projects.services import reserve_references, signing_add
from investledger.reference.models import Area
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.lifecycle import FirstPlans
from investledger.supervision.models import LightAssessment, Milestone

_ONE = Decimal("1")
DECIMAL_FIELDS = {"contract_value", "fx_rate", "contract_value_cny", "outside_value_cny", "fixed_asset_value_cny"}
DATE_FIELDS = {"fx_date", "planned_start", "planned_completion", "planned_production", "signed_on"}


def _from_json(values: dict) -> dict:
    out = dict(values)
    for key in DECIMAL_FIELDS:
        if out.get(key) is not None:
            out[key] = Decimal(out[key])
    for key in DATE_FIELDS:
        if out.get(key):
            out[key] = dt.date.fromisoformat(out[key])
    return out


def _first_numbers(years: dict[int, int]) -> dict[int, int]:
    """Reserve a block of project references per year ({year: count}): the number before each block.

    The per-year counter stays locked until the commit ends, so nothing else numbers projects meanwhile.
    """
    first = {}
    for year, count in years.items():
        references = reserve_references(year, count)
        first[year] = int(references[0].split("-")[1]) - 1
    return first


class _NewProjects:
    """Projects and first signings of one chunk, written as plain rows with their audit entries."""

    def __init__(self, audit_writer: bulk.AuditWriter, events: dict):
        self.projects = bulk.Table(Project)
        self.signings = bulk.Table(Signing)
        self.audit = audit_writer
        # A new project has its milestone plan and first light at once, written beside it.
        self.plans = FirstPlans()
        self.milestones = bulk.Table(Milestone)
        self.assessments = bulk.Table(LightAssessment)
        audit_writer.prepare(Project, Signing, Milestone, LightAssessment)  # entries are added while projects stream
        # An event's name as the audit entry of a signing spells it, once per event (not per row).
        self.event_names = {pk: str(event) for pk, event in events.items()}
        self.pending: list[tuple[ParsedRow, dict, dict, str]] = []

    def rows_of(self, v: dict) -> tuple[dict, dict]:
        """A new project and its first signing as full rows (`bulk.Table.complete`), from a checked
        row's values; investor and reference are filled in by the caller, ids at `write`. Runs no query."""
        fields = {k: v[k] for k in MODEL_FIELDS if v.get(k) is not None}
        if fields.get("currency", "CNY") == "CNY":
            fields["fx_rate"] = _ONE
        value_cny = convert_to_cny(fields["contract_value"], fields.get("fx_rate", _ONE))
        fields["contract_value_cny"] = value_cny
        project = {
            **fields,
            "reference": None,
            "investor_id": None,
            "host_area_id": v.get("host_area_id"),
            "sector_id": v["sector_id"],
            "first_event_id": v["event_id"],
            "signed_on": v["signed_on"],
        }
        signing = {
            "project_id": None,
            "event_id": v["event_id"],
            "signed_on": v["signed_on"],
            "kind": SigningKind.NEW.value,
            "stated_value_cny": value_cny,
            "counted_project": True,
            "counted_value_cny": value_cny,
        }
        return self.projects.complete(project), self.signings.complete(signing)

    def add(self, row, project: dict, signing: dict, message: str) -> None:
        """A project and signing made by `rows_of`, to write with the next `write`."""
        self.pending.append((row, project, signing, message))

    def write(self, then=None) -> int:
        """Write what was added, with the audit entries; `then` as `bulk.AuditWriter.flush` takes it."""
        if not self.pending:
            return 0
        project_ids = bulk.reserve_ids(Project, len(self.pending))
        signing_ids = bulk.reserve_ids(Signing, len(self.pending))
        for (row, project, signing, _m), project_id, signing_id in zip(
            self.pending, project_ids, signing_ids, strict=True
        ):
            project["id"] = signing["project_id"] = row.project_id = project_id
            signing["id"] = signing_id
            row.outcome = ImportRow.Outcome.NEW
        empty_links: dict[str, list] = {name: [] for name in Project.audit_m2m}
        projects, signings, audit_writer, event_names = self.projects, self.signings, self.audit, self.event_names

        def project_rows():
            # The audit entries' snapshots are made while the projects stream to the database.
            for _row, project, signing, message in self.pending:
                project_repr = Project.__str__(cast(Project, _Repr(project)))
                audit_writer.add(
                    Project, project["id"], project_repr, {**projects.snapshot(project), **empty_links}, message
                )
                audit_writer.add(
                    Signing,
                    signing["id"],
                    f"{project_repr} @ {event_names[signing['event_id']]}",
                    signings.snapshot(signing),
                    message,
                )
                yield projects.row(project)

        plans = [self.plans.rows(project) for _row, project, _s, _m in self.pending]
        bulk.insert(Project, projects.columns, project_rows())
        bulk.insert(Signing, signings.columns, (signings.row(s) for _r, _p, s, _m in self.pending))
        self._write_plans(plans)
        audit_writer.flush(then=then)
        count = len(self.pending)
        self.pending = []
        return count

    def _write_plans(self, plans: list[tuple[list[dict], dict | None]]) -> None:
        """The milestones and first lights of the projects just written, with their audit entries."""
        milestones, assessments = self.milestones, self.assessments
        milestone_ids = iter(bulk.reserve_ids(Milestone, sum(len(m) for m, _a in plans)))
        assessment_ids = iter(bulk.reserve_ids(LightAssessment, sum(1 for _m, a in plans if a)))
        milestone_rows, assessment_rows = [], []
        for (_row, project, _s, _m), (planned, assessment) in zip(self.pending, plans, strict=True):
            project_repr = Project.__str__(cast(Project, _Repr(project)))
            entries = []
            for values in planned:
                full = milestones.complete({**values, "id": next(milestone_ids), "project_id": project["id"]})
                milestone_rows.append(milestones.row(full))
                label = MilestoneKind(values["kind"]).label
                entries.append((Milestone, full["id"], f"{project_repr} · {label}", milestones.snapshot(full)))
            for model, pk, text, snapshot in entries:
                self.audit.add(model, pk, text, snapshot, self.plans.plan_message)
            if assessment is not None:
                full = assessments.complete({**assessment, "id": next(assessment_ids), "project_id": project["id"]})
                assessment_rows.append(assessments.row(full))
                light = Light(assessment["light"]).label
                text = f"{project_repr} · {light} ({assessment['assessed_on']})"
                self.audit.add(
                    LightAssessment, full["id"], text, assessments.snapshot(full), self.plans.message(full["light"])
                )
        bulk.insert(Milestone, milestones.columns, milestone_rows)
        bulk.insert(LightAssessment, assessments.columns, assessment_rows)


class _Repr:
    """Column values read as attributes, for a model's `__str__` without an instance."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


class _Investors:
    """Investors named by new projects: found in the ledger, or created (with audit entries) as met."""

    def __init__(self, audit_writer: bulk.AuditWriter, message: str):
        self.ids: dict[str, int] = {}
        self.table = bulk.Table(Investor)
        self.audit = audit_writer
        self.message = message

    def ensure(self, names: set[str]) -> None:
        """Make sure each name has an investor id in `ids`; the audit entries go with the next flush."""
        names = names - self.ids.keys()
        if not names:
            return
        self.ids.update(bulk.ids_by(Investor, "name", names))
        missing = sorted(names - self.ids.keys())
        if not missing:
            return
        ids = bulk.reserve_ids(Investor, len(missing))
        full = [self.table.complete({"id": pk, "name": name}) for pk, name in zip(ids, missing, strict=True)]
        bulk.insert(Investor, self.table.columns, (self.table.row(values) for values in full))
        for values in full:
            self.audit.add(
                Investor,
                values["id"],
                Investor.__str__(cast(Investor, _Repr(values))),
                self.table.snapshot(values),
                self.message,
            )
            self.ids[values["name"]] = values["id"]


def write(batch: ImportBatch, user, report) -> tuple[int, int, int]:
    """Write a checked signing list, chunk by chunk, in the caller's transaction."""
    # Serialise with every other audited write: project references are numbered from here on.
    audit.lock_chain()
    allowed = set(Area.objects.filter(access.area_q(user, Action.CREATE)).values_list("pk", flat=True))
    events = {e.pk: e for e in SigningEvent.objects.all()}
    audit_writer = bulk.AuditWriter()
    text = f"import {batch.pk} {batch.file_name}"
    message = text + " row %s"
    skipped = (ImportRow.Outcome.ERROR, ImportRow.Outcome.UNCHANGED)
    investors = _Investors(audit_writer, text)
    new_projects = _NewProjects(audit_writer, events)
    total = batch.rows_validated
    written = new = existing = done = 0
    last_report = 0.0
    today_year = clock.today().year

    def unpack(fetched: tuple) -> tuple:
        """A fetched chunk's rows, each row's values as Python values and, for new projects, their
        rows as written but for investor and reference. Runs no query: it may run while a COPY of
        the chunk before streams (`AuditWriter.flush(then=...)`)."""
        stored, flagged = fetched
        rows = preview.assemble(stored, flagged)
        values_of: dict[int, dict] = {}
        names: set[str] = set()
        years: dict[int, int] = defaultdict(int)
        new_rows: dict[int, tuple[int, dict, dict]] = {}
        for row in rows:
            if row.outcome in skipped:
                continue
            v = values_of[row.number] = _from_json(row.values)
            if row.outcome == ImportRow.Outcome.NEW and row.resolution != ImportRow.Resolution.SAME:
                names.add(v["investor"])
                year = v["signed_on"].year if v.get("signed_on") else today_year
                years[year] += 1
                new_rows[row.number] = (year, *new_projects.rows_of(v))
        return stored, rows, values_of, names, years, new_rows

    fetched = preview.fetch_chunks(batch)
    first = next(fetched, None)
    current = unpack(first) if first else None
    while current is not None:
        stored, chunk, values_of, names, years, new_rows = current
        # The next chunk is read now, between statements, and unpacked while this one is written.
        upcoming = next(fetched, None)
        ahead: list[tuple] = []

        def unpack_upcoming(upcoming=upcoming, ahead=ahead) -> None:
            if upcoming is not None and not ahead:
                ahead.append(unpack(upcoming))

        done += len(chunk)
        investors.ensure(names)
        # References in file order: a block per year for this chunk (the counters stay locked).
        numbers = _first_numbers(years)
        for row in chunk:
            if row.outcome in skipped:
                continue
            written += 1
            v = values_of[row.number]
            area_id = v.get("host_area_id")
            if row.outcome == ImportRow.Outcome.RESIGNING or row.resolution == ImportRow.Resolution.SAME:
                project_id = v.get("project_id") or row.duplicate_of_id
                project = Project.objects.select_for_update().get(pk=project_id)
                if project.host_area_id not in allowed:
                    raise ImportRefused(
                        _("Row %(row)s: you may not record signings of projects in %(area)s.")
                        % {"row": row.number, "area": project.host_area}
                    )
                row.project_id = project.pk
                if Signing.objects.filter(project=project, event_id=v["event_id"]).exists():
                    row.outcome = ImportRow.Outcome.UNCHANGED
                    continue
                signing_add(
                    project=project,
                    event=events[v["event_id"]],
                    signed_on=v["signed_on"],
                    kind=SigningKind.RESIGNING,
                    stated_value_cny=v.get("contract_value_cny") or Decimal("0"),
                    audit_message=message % row.number,
                )
                row.outcome = ImportRow.Outcome.RESIGNING
                existing += 1
                continue
            if area_id not in allowed:
                raise ImportRefused(_("Row %(row)s: you may not import projects into this area.") % {"row": row.number})
            year, project, signing = new_rows[row.number]
            numbers[year] += 1
            project["reference"] = f"P{year}-{numbers[year]:05d}"
            project["investor_id"] = investors.ids[v["investor"]]
            new_projects.add(row, project, signing, message % row.number)
        new += new_projects.write(then=unpack_upcoming)
        # The entries of investors created for this chunk when no project needed writing.
        audit_writer.flush(then=unpack_upcoming)
        unpack_upcoming()  # when nothing was written
        preview.save_outcomes(stored, chunk)
        existing += sum(1 for row in chunk if row.outcome == ImportRow.Outcome.UNCHANGED)
        now = time.monotonic()
        if now - last_report > 0.5 or done >= total:
            last_report = now
            progress.write(batch.pk, phase="committing", written=done, total=total)
            if report:
                report({"phase": "committing", "written": done, "total": total})
        current = ahead[0] if ahead else None
    return written, new, existing
