"""Load the demo ledger: investors, events, projects and their signings, through the services.

Every project and signing goes through `projects.services` (so it is validated, counted by the
counting-once rule and audited like any other). Each record is looked up by a stable key first
(investor name, event name and date, project name within its first event, project and event of a
signing) and skipped when it exists, so a second run writes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from investledger.core import clock
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project, Signing
from investledger.ledger.projects.services import project_create, signing_add
from investledger.reference.models import Area, Sector, Unit

from .events import EVENTS, event_fields
from .investors import INVESTORS, LOCAL, investor_fields
from .projects import AGAIN, BATCHES, YI, Batch, Row, check_tables
from .records import Tally, create_audited

AUDIT_MESSAGE = "demo data"

# Which unit leads a project, by the first of its host area and the area's ancestors found here.
LEAD_UNITS = {
    "cq-liangjiang": "cq-liangjiang-cmte",
    "cq-yubei": "cq-yubei-gov",
    "cq-shapingba": "cq-shapingba-gov",
    "cq-hitech": "cq-hitech-cmte",
    "cd-hitech": "cd-hitech-cmte",
    "cd-eastern": "cd-eastern-cmte",
    "cq": "cq-bureau",
    "cd": "cd-bureau",
    "ms": "ms-bureau",
}
# Sectors whose large plants need land and grid connections from the city's units.
PLANT_SECTORS = {"nev", "electronics", "new-materials", "new-energy", "biomedicine"}
PLANT_THRESHOLD_YI = Decimal("40")
# Planned jobs per 亿元 of an invented project, by sector (rough orders of magnitude).
JOBS_PER_YI = {
    "nev": 12,
    "software": 40,
    "electronics": 15,
    "biomedicine": 15,
    "new-materials": 8,
    "new-energy": 6,
    "digital-economy": 30,
    "modern-services": 3,
    "food-consumer": 20,
    "culture-tourism": 5,
    "urban-development": 2,
}


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Context:
    """Reference rows by code, loaded once."""

    def __init__(self, contact=None):
        self.areas = {a.code: a for a in Area.objects.all()}
        self.areas_by_id = {a.pk: a for a in self.areas.values()}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.investors: dict[str, Investor] = {}
        self.events: dict[str, SigningEvent] = {}
        self.contact = contact

    def lead_unit(self, area_code: str) -> Unit | None:
        area = self.areas[area_code]
        while area is not None:
            if area.code in LEAD_UNITS:
                return self.units[LEAD_UNITS[area.code]]
            area = self.areas_by_id.get(area.parent_id)
        return None

    def involved_units(self, row: Row) -> list[Unit]:
        if row.sector not in PLANT_SECTORS or Decimal(row.yi) < PLANT_THRESHOLD_YI:
            return []
        city = row.area.split("-")[0]
        codes = [f"{city}-power", f"{city}-planning"]
        if row.sector in {"new-materials", "biomedicine"}:
            codes.append(f"{city}-ecology")
        return [self.units[c] for c in codes if c in self.units]


def _load_investors(ctx: Context, tally: Tally) -> None:
    for key, inv in INVESTORS.items():
        investor = Investor.objects.filter(name=inv.name).first()
        if investor is None:
            investor = create_audited(Investor(**investor_fields(inv)), tally)
        ctx.investors[key] = investor


def _load_events(ctx: Context, tally: Tally) -> None:
    for key, ev in EVENTS.items():
        event = SigningEvent.objects.filter(name=ev.name, date=ev.date).first()
        if event is None:
            event = create_audited(
                SigningEvent(**event_fields(ev), lead_unit=ctx.units[ev.lead_unit], host_area=ctx.areas[ev.host_area]),
                tally,
            )
        ctx.events[key] = event


def describe(row: Row, batch: Batch) -> str:
    if row.invented:
        text = (
            f"{row.name_en}.\n\nIllustrative demo data: {batch.basis}. Unless noted below, this project, its "
            "investor, host area, amount and planned dates are invented so that the ledger's totals equal the "
            "published ones; they are not facts about any company."
        )
        return f"{text}\n\n{row.note}" if row.note else text
    return f"{row.name_en}.\n\nFrom the source: {row.note}"


def project_fields(row: Row, batch: Batch, position: int, ctx: Context, signed_on: dt.date) -> dict:
    investor = ctx.investors[row.investor]
    value = row.value_cny
    fields = {
        "name": row.name,
        "investor": investor,
        "host_area": ctx.areas[row.area],
        "sector": ctx.sectors[row.sector],
        "agreement_type": row.agreement,
        "contract_value": value,
        "lead_unit": ctx.lead_unit(row.area),
        "description": describe(row, batch),
        "is_demo": True,
    }
    if row.invented:
        # Plans the source does not give: only for illustrative projects, from the row's place in
        # its table so that every run plans the same dates.
        start = add_months(signed_on, 4 + position % 5)
        completion = add_months(start, 18 if value >= 10 * YI else 12)
        fields.update(
            planned_start=start,
            planned_completion=completion,
            planned_production=add_months(completion, 3),
            planned_jobs=max(30, int(Decimal(row.yi) * JOBS_PER_YI.get(row.sector, 10)) // 10 * 10),
        )
        if investor.origin != LOCAL:
            fields["outside_value_cny"] = value  # money from outside the city (引资额)
    fields.update(row.fields)
    return fields


def _signed_on(row: Row, ctx: Context, batch: Batch) -> dt.date:
    return row.signed_on or ctx.events[batch.event].date


def _create_project(ctx: Context, tally: Tally, batch: Batch, position: int, row: Row) -> None:
    event = ctx.events[batch.event]
    signed_on = _signed_on(row, ctx, batch)
    m2m = {
        "co_investors": [ctx.investors[key] for key in row.co_investors],
        "involved_units": ctx.involved_units(row),
        "contacts": [ctx.contact] if row.contact and ctx.contact is not None else [],
    }
    project_create(
        fields=project_fields(row, batch, position, ctx, signed_on),
        m2m=m2m,
        event=event,
        signed_on=signed_on,
        confirm_not_duplicate=True,  # the demo tables are checked for duplicates themselves
        audit_message=AUDIT_MESSAGE,
    )
    tally.add("project")
    tally.add("signing")


def _sign_again(ctx: Context, tally: Tally, again) -> None:
    event = ctx.events[again.event]
    project = Project.objects.filter(name=again.project, signings__event=ctx.events[again.first_event]).first()
    if project is None:
        raise ValueError(f"demo table AGAIN names a project that is not loaded: {again.project}")
    if Signing.objects.filter(project=project, event=event).exists():
        return
    signing_add(
        project=project,
        event=event,
        signed_on=event.date,
        kind=again.kind,
        stated_value_cny=Decimal(again.stated_yi) * YI,
        notes=again.notes,
        audit_message=AUDIT_MESSAGE,
    )
    tally.add("signing")


def _load_signings_in_date_order(ctx: Context, tally: Tally) -> None:
    """Enter every signing on the day it happened (the audit trail carries that day), oldest first.

    The demo ledger then reads as if the bureau had kept it since the first event: the ledger, an
    event's figures or a dashboard shown as of a past date (`?as_of=`) give what was known then.
    """
    steps = []
    for batch_index, batch in enumerate(BATCHES):
        existing = set(Project.objects.filter(signings__event=ctx.events[batch.event]).values_list("name", flat=True))
        for position, row in enumerate(batch.rows):
            if row.name not in existing:
                steps.append((_signed_on(row, ctx, batch), 0, batch_index, position, batch, row))
    for index, again in enumerate(AGAIN):
        steps.append((ctx.events[again.event].date, 1, index, 0, None, again))
    for day, kind, _first, position, batch, item in sorted(steps, key=lambda step: step[:4]):
        with clock.frozen_at(day):
            if kind == 0:
                _create_project(ctx, tally, batch, position, item)
            else:
                _sign_again(ctx, tally, item)


def ledger_opened() -> dt.date:
    """The day the demo bureau opened its ledger: the eve of its first signing."""
    first = min(
        [row.signed_on for batch in BATCHES for row in batch.rows if row.signed_on]
        + [ev.date for ev in EVENTS.values()]
    )
    return first - dt.timedelta(days=1)


def load_ledger(tally: Tally, *, contact=None) -> dict[str, SigningEvent]:
    """Write the demo ledger (call inside a transaction and an audit context). Returns the events by key."""
    check_tables(set(Sector.objects.filter(strategic_emerging=True).values_list("code", flat=True)))
    ctx = Context(contact=contact)
    with clock.frozen_at(ledger_opened()):
        _load_investors(ctx, tally)
        _load_events(ctx, tally)
    _load_signings_in_date_order(ctx, tally)
    return ctx.events
