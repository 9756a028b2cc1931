"""Demo ambassadors, agencies and leads (`investledger demo` calls `load()`).

Chengdu Hi-Tech Zone signed up 28 investment ambassadors and 27 professional agencies at a ceremony
on 19 August 2020 ("August Roundup at Chengdu Hi-Tech Zone", CDHT news, August 2020). The source
names none of them: the names here are illustrative and marked demo, the counts, date and place are
the source's. A pipeline of leads in several stages follows, received on days counted back from
today in working days, some referred by those ambassadors and agencies; one is signed as a demo
project with its ambassador credited. Every write goes through the services; a second run adds
nothing (referrers are found by name, leads by their investor and owning unit).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.escalation.workdays import WorkCalendar
from investledger.leads import services, services_registry
from investledger.leads.choices import InteractionKind, LeadSource, LeadStage, ReferrerKind
from investledger.leads.models import Lead, LeadClass, Referrer
from investledger.leads.services_escalation import escalate_overdue_leads
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import project_create
from investledger.reference.models import Area, Sector, Unit

CEREMONY_DAY = dt.date(2020, 8, 19)
AMBASSADORS = 28
AGENCIES = 27
# The sectors the zone's ambassadors and agencies cover in turn (codes of the demo taxonomy).
SECTOR_CYCLE = ["electronics", "software", "biomedicine", "digital-economy", "modern-services"]

CLASSES = [
    ("≥ 1亿元 / ≥ RMB 100 m", Decimal("100000000"), 1, 3, 7),
    ("< 1亿元 / < RMB 100 m", Decimal("0"), 2, 5, 10),
]

# (prospect, English name, sector, size in 亿元, source, referrer number or None, area, working days ago,
#  the stages it went through)
LEADS = [
    (
        "示例集成电路设计公司（示例）",
        "IC design company (demo)",
        "electronics",
        "12",
        "ambassador",
        1,
        "cd-ht-xinchuan",
        40,
        ["contacted", "assessed", "negotiating", "signed"],
    ),
    (
        "示例创新药企业（示例）",
        "Innovative drug maker (demo)",
        "biomedicine",
        "8.5",
        "agency",
        1,
        "cd-ht-biotown",
        25,
        ["contacted", "assessed", "negotiating"],
    ),
    (
        "示例游戏研发公司（示例）",
        "Game studio (demo)",
        "software",
        "3",
        "ambassador",
        2,
        "cd-ht-neweconomy",
        5,
        ["contacted", "assessed"],
    ),
    (
        "示例金融科技总部（示例）",
        "Fintech headquarters (demo)",
        "modern-services",
        "5",
        "agency",
        2,
        "cd-ht-jiaozi",
        3,
        ["contacted"],
    ),
    (
        "示例医疗器械企业（示例）",
        "Medical device maker (demo)",
        "biomedicine",
        "2",
        "event",
        None,
        "cd-ht-biotown",
        4,
        [],
    ),
    (
        "示例数据中心运营商（示例）",
        "Data centre operator (demo)",
        "digital-economy",
        "20",
        "news",
        None,
        "cd-hitech",
        0,
        [],
    ),
    (
        "示例显示面板配套企业（示例）",
        "Display panel supplier (demo)",
        "electronics",
        "0.6",
        "walk_in",
        None,
        "cd-ht-xinchuan",
        15,
        ["contacted", "lost"],
    ),
]


def _referrers(event: SigningEvent, area: Area, sectors: dict[str, Sector], tally: list[int]) -> dict:
    made: dict[tuple[str, int], Referrer] = {}
    for kind, count, zh, en, organisation in (
        (
            ReferrerKind.AMBASSADOR,
            AMBASSADORS,
            "招商大使（示例）",
            "Investment ambassador (demo)",
            "示例投资机构（示例）",
        ),
        (ReferrerKind.AGENCY, AGENCIES, "专业招商机构（示例）", "Professional agency (demo)", ""),
    ):
        for number in range(1, count + 1):
            name = f"{zh}{number:02d}"
            referrer = Referrer.objects.filter(name=name).first()
            if referrer is None:
                code = SECTOR_CYCLE[(number - 1) % len(SECTOR_CYCLE)]
                referrer = services_registry.referrer_save(
                    fields={
                        "kind": kind,
                        "name": name,
                        "name_en": f"{en} {number:02d}",
                        "organisation": organisation,
                        "area": area,
                        "agreement_date": CEREMONY_DAY,
                        "term_start": CEREMONY_DAY,
                        "term_end": dt.date(2022, 8, 18),
                        "appointed_at": event,
                        "is_demo": True,
                    },
                    sectors=[sectors[code]] if code in sectors else [],
                    by=None,
                )
                tally[0] += 1
            made[(kind, number)] = referrer
    return made


def _demo_event(area: Area, unit: Unit | None, *, name: str, name_en: str, day, notes: str) -> SigningEvent:
    event = SigningEvent.objects.filter(name=name, date=day).first()
    if event is None:
        event = SigningEvent(
            name=name,
            name_en=name_en,
            kind=SigningEvent.Kind.CEREMONY,
            date=day,
            place="成都高新区 Chengdu Hi-Tech Zone",
            organiser="Chengdu Hi-Tech Zone Administrative Committee",
            lead_unit=unit,
            host_area=area,
            notes=notes,
            is_demo=True,
        )
        event.full_clean()
        event.save()
        audit.record(event, AuditEntry.Kind.CREATE, message="demo data")
    return event


def _ceremony(area: Area, unit: Unit | None) -> SigningEvent:
    return _demo_event(
        area,
        unit,
        name="成都高新区招商大使和专业招商机构签约仪式",
        name_en="Chengdu Hi-Tech Zone signing ceremony of investment ambassadors and agencies",
        day=CEREMONY_DAY,
        notes=(
            "Source: 'August Roundup at Chengdu Hi-Tech Zone' (CDHT news, August 2020): 28 investment "
            "ambassadors and 27 professional agencies signed up on 19 August 2020 to bring in experts of "
            "investment institutions, leading enterprises and business service organisations, and projects. "
            "No project was signed at it; the referrers' names in the demo are illustrative."
        ),
    )


def _lead_signing(area: Area, unit: Unit | None) -> SigningEvent:
    """The signing where the demo's converted lead became a project (illustrative): a project is signed
    at an event, so it counts under that event as every signed project does."""
    return _demo_event(
        area,
        unit,
        name="成都高新区重点项目集中签约（示例）",
        name_en="Chengdu Hi-Tech Zone project signing (demo)",
        day=clock.today(),
        notes="Illustrative: the signing of the demo lead an investment ambassador referred.",
    )


def _signed_project(lead: Lead, area: Area, sector: Sector, unit: Unit | None) -> Project:
    project = Project.objects.filter(name=f"{lead.prospect_name}项目").first()
    if project is None:
        investor = Investor.objects.filter(name=lead.prospect_name).first()
        if investor is None:
            investor = Investor(name=lead.prospect_name, is_demo=True)
            investor.full_clean()
            investor.save()
            audit.record(investor, AuditEntry.Kind.CREATE, message="demo data")
        project = project_create(
            fields={
                "name": f"{lead.prospect_name}项目",
                "investor": investor,
                "host_area": area,
                "sector": sector,
                "contract_value": lead.size_cny,
                "is_demo": True,
            },
            event=_lead_signing(area, unit),
            confirm_not_duplicate=True,
            audit_message="demo data",
        )
    return project


def load(stdout=None) -> None:
    areas = {a.code: a for a in Area.objects.filter(code__startswith="cd")}
    if "cd-hitech" not in areas:
        return  # the demo ledger's reference data was not loaded
    sectors = {s.code: s for s in Sector.objects.all()}
    unit = Unit.objects.filter(code="cd-hitech-cmte").first()
    if unit is None:
        return
    for name, floor, respond, assess, feedback in CLASSES:
        if not LeadClass.objects.filter(min_value_cny=floor).exists():
            row = LeadClass(
                name=name, min_value_cny=floor, respond_days=respond, assess_days=assess, feedback_days=feedback
            )
            row.full_clean()
            row.save()
            audit.record(row, AuditEntry.Kind.CREATE, message="demo data")
    event = _ceremony(areas["cd-hitech"], unit)
    count = [0]
    referrers = _referrers(event, areas["cd-hitech"], sectors, count)
    calendar = WorkCalendar.load()
    today = clock.today()
    opened = 0
    for zh, en, sector, size, source, number, area, ago, stages in LEADS:
        if Lead.objects.filter(prospect_name=zh, owning_unit=unit).exists():
            continue
        received = _working_days_back(calendar, today, ago)
        referrer = referrers[(source, number)] if number else None
        lead = services.lead_create(
            fields={
                "prospect_name": zh,
                "sector": sectors.get(sector),
                "size_cny": Decimal(size) * 100_000_000,
                "need": en,
                "source": source,
                "referrer": referrer,
                "source_event": event if source == LeadSource.EVENT else None,
                "owning_unit": unit,
                "received_on": received,
            },
            areas=[areas[area]],
            by=None,
            confirm_not_duplicate=True,
        )
        opened += 1
        _walk(lead, stages, calendar, received, today, unit, referrer, areas[area], sectors.get(sector))
    escalated = escalate_overdue_leads(today)
    if stdout is not None:
        stdout.write(f"  {count[0]} referrers, {opened} leads, {len(escalated)} lead escalations")


def _walk(lead, stages, calendar, received, today, unit, referrer, area, sector) -> None:
    """Take a demo lead through its stages one working day after another, as it happened."""
    for index, stage in enumerate(stages):
        with clock.frozen_at(min(calendar.add(received, index + 1), today)):
            if index == 0:
                services.interaction_add(
                    lead=lead,
                    fields={
                        "kind": InteractionKind.VISIT,
                        "date": clock.today(),
                        "people": "Investment service team (demo)",
                        "next_step": "Site tour",
                    },
                    by=None,
                )
            if stage == LeadStage.SIGNED:
                project = _signed_project(lead, area, sector, unit)
                shares = [{"unit": unit, "percent": Decimal(60)}, {"referrer": referrer, "percent": Decimal(40)}]
                services.lead_convert(lead=lead, project=project, shares=shares, by=None)
            elif stage == LeadStage.LOST:
                services.lead_lose(
                    lead=lead, reason="Chose a site closer to its customers", lost_to="Chongqing", by=None
                )
            else:
                services.lead_move(lead=lead, to_stage=stage, by=None)


def _working_days_back(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day
