"""The figures of a cohort in a few grouped queries, live from the ledger or from the summary cells.

A dashboard needs, for one cohort as of one day: every ledger part per host area (key figures, the
roll-up along the area tree, the funnel, lights and funds per area, the ranking), and projects and
value by sector, by signing month and by first event. `Figures` answers each with ONE grouped query:

- `LiveFigures` groups cohort.frame (the reader's visible projects as the ledger knew them on the
  day): always right, and the only way for a past date, an event cohort, a signing period that does
  not follow whole months, or a reader scoped through units or contacts;
- `SummaryFigures` groups the summary cells (reporting.CohortCell / EventCell), which `refresh`
  rebuilds in one statement per table from the very queryset and aggregates the live computation
  uses. Each recorded change recomputes the cells it touched in its own transaction (`CellChanges`,
  run by core.audit after the entries are appended) and moves the stamp on to the new audit tail.
  Cells are read only when the stamp holds the audit chain's tail and the day is the stamped day (a
  new day, or a change that could not update them, leaves them stale); else the figures are
  computed live and a refresh is queued.

Readers scoped to areas filter cells by the area path prefix, exactly as core.access filters projects.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from investledger.core import access, audit, clock
from investledger.core.models import AuditChainHead
from investledger.core.money import quantize
from investledger.ledger.projects.models import Project
from investledger.reporting import metrics, sources
from investledger.reporting.cohort import FRAME_FIELDS, Cohort, frame
from investledger.reporting.models import CohortCell, EventCell, SummaryStamp
from investledger.reporting.tasks import refresh_summary_task

log = logging.getLogger(__name__)

LIGHTS = ("green", "yellow", "red", "none")
STORED_PARTS = tuple(p for p in metrics.PART_NAMES if not p.startswith("emerging_"))
MONEY_PARTS = ("value", "outside", "large_value", "emerging_value")


def _money(value) -> Decimal:
    return quantize(Decimal(value)) if value is not None else Decimal("0.00")


class AreaRow(dict):
    """One host area's parts (metrics.PART_NAMES), light counts and funds in place (None: no reports table)."""


class Figures:
    """What the dashboard and /api/metrics/ read. Subclasses answer from the ledger or from the cells."""

    source = ""

    def __init__(self, cohort: Cohort, as_of: dt.date):
        self.cohort = cohort
        self.as_of = as_of
        self._areas: dict[int, dict] | None = None

    # -- per host area: every part, lights and funds ---------------------------------------------
    def areas(self) -> dict[int, dict]:
        if self._areas is None:
            self._areas = self._load_areas()
        return self._areas

    def totals(self) -> dict:
        """The cohort's parts: the sum of its host areas' (each project has one host area)."""
        out = metrics.clean_parts({})
        for row in self.areas().values():
            for key in metrics.PART_NAMES:
                out[key] += row["parts"][key]
        return out

    def funds_total(self) -> Decimal | None:
        if not self.has_funds:
            return None
        return quantize(sum((row["funds"] for row in self.areas().values()), Decimal("0")))

    has_funds = False
    has_lights = False


class LiveFigures(Figures):
    source = "live"

    def __init__(self, user, cohort: Cohort, as_of: dt.date, base=None):
        super().__init__(cohort, as_of)
        self.user = user
        self.base = base
        self.has_funds = sources.funds_subquery(as_of) is not None
        self.has_lights = sources.light_subquery(as_of) is not None

    def frame(self):
        return frame(self.user, self.cohort, self.as_of, self.base)

    def _load_areas(self) -> dict[int, dict]:
        # One scan gives every part per host area AND the sector chart: grouped by (area, sector, light).
        qs = self.frame()
        dims = ["host_area_id", "sector_id"]
        light = sources.light_subquery(self.as_of)
        if light is not None:
            qs = qs.annotate(_light=light)
            dims.append("_light")
        measures = metrics.parts(self.as_of)
        funds = sources.funds_subquery(self.as_of)
        if funds is not None:
            qs = qs.annotate(_funds=funds)
            measures["funds"] = Sum("_funds", filter=metrics.DISCLOSED)
        out: dict[int, dict] = {}
        sectors: dict[int, list] = {}
        for row in qs.values(*dims).annotate(**measures).order_by():
            area = out.setdefault(
                row["host_area_id"],
                {"parts": metrics.clean_parts({}), "lights": dict.fromkeys(LIGHTS, 0), "funds": Decimal("0.00")},
            )
            clean = metrics.clean_parts(row)
            for key in metrics.PART_NAMES:
                area["parts"][key] += clean[key]
            area["lights"][row.get("_light") or "none"] += clean["projects"]
            area["funds"] += _money(row.get("funds"))
            sector = sectors.setdefault(row["sector_id"], [0, Decimal("0.00")])
            sector[0] += clean["projects"]
            sector[1] += clean["value"]
        self._sectors = sectors
        return out

    def by_sector(self):
        self.areas()
        rows = [{"sector_id": pk, "projects": n, "value": v} for pk, (n, v) in self._sectors.items()]
        return sorted(rows, key=lambda r: (-r["value"], r["sector_id"]))

    def _small(self, qs, key):
        return qs.values(key).annotate(projects=Count("pk"), value=Sum("f_value")).order_by("-value", key)

    def by_event(self, limit: int):
        return list(self._small(self.frame(), "first_event_id")[:limit])

    def by_month(self, months: int):
        qs = self.frame().annotate(month=TruncMonth("f_signed"))
        return list(qs.values("month").annotate(projects=Count("pk"), value=Sum("f_value")).order_by("-month")[:months])


class SummaryFigures(Figures):
    source = "summary"

    def __init__(self, scope: Q, cohort: Cohort, as_of: dt.date):
        super().__init__(cohort, as_of)
        self.scope = scope
        self.has_funds = sources.available("supervision.ProgressReport") is not None
        self.has_lights = sources.available("supervision.LightAssessment") is not None

    def _filter(self, model, grain: str):
        qs = model.objects.filter(self.scope, grain=grain)
        c = self.cohort
        if c.area is not None:
            qs = qs.filter(host_area__path__startswith=c.area.path)
        if c.sector is not None:
            qs = qs.filter(sector_id__in=c.sector.subtree_ids())
        if c.signed_from:
            qs = qs.filter(month__gte=c.signed_from)
        if c.signed_to:
            qs = qs.filter(month__lte=c.signed_to)
        return qs

    @property
    def _period(self) -> bool:
        return bool(self.cohort.signed_from or self.cohort.signed_to)

    def cells(self):
        """Cells with every part: per (area, sector), or per (area, sector, month) for a signing period."""

        return self._filter(CohortCell, "asm" if self._period else "as")

    def _load_areas(self) -> dict[int, dict]:
        # Aggregates take a prefix: an aggregate may not share its name with the column it sums.
        emerging = Q(sector__strategic_emerging=True)
        measures = {f"s_{key}": Sum(key) for key in STORED_PARTS}
        measures["s_emerging_count"] = Sum("projects", filter=emerging)
        measures["s_emerging_value"] = Sum("value", filter=emerging)
        measures["s_funds"] = Sum("funds")
        measures.update({f"s_light_{k}": Sum(f"light_{k}") for k in LIGHTS})
        out = {}
        for row in self.cells().values("host_area_id").annotate(**measures).order_by():
            area_id = row["host_area_id"]
            row = {key[2:]: value for key, value in row.items() if key.startswith("s_")}
            out[area_id] = {
                "parts": metrics.clean_parts(row),
                "lights": {k: int(row[f"light_{k}"] or 0) for k in LIGHTS},
                "funds": _money(row["funds"]),
            }
        return out

    def _small(self, qs, key):
        rows = qs.values(key).annotate(s_projects=Sum("projects"), s_value=Sum("value")).order_by("-s_value", key)
        return ({key: r[key], "projects": r["s_projects"], "value": r["s_value"]} for r in rows)

    def by_sector(self):
        return list(self._small(self.cells(), "sector_id"))

    def by_event(self, limit: int):

        grain = "easm" if self._period or self.cohort.sector is not None else "ea"
        qs = self._filter(EventCell, grain).values("first_event_id")
        rows = qs.annotate(s_projects=Sum("projects"), s_value=Sum("value")).order_by("-s_value", "first_event_id")
        return [
            {"first_event_id": r["first_event_id"], "projects": r["s_projects"], "value": r["s_value"]}
            for r in rows[:limit]
        ]

    def by_month(self, months: int):

        grain = "asm" if self.cohort.sector is not None else "am"
        qs = self._filter(CohortCell, grain).values("month").annotate(s_projects=Sum("projects"), s_value=Sum("value"))
        return [
            {"month": r["month"], "projects": r["s_projects"], "value": r["s_value"]}
            for r in qs.order_by("-month")[:months]
        ]


# --- Which one: the access rule, the cohort and the stamp -------------------------------------------


def cell_scope(user) -> Q | None:
    """The reader's scope as a filter on cells (which hold host areas), or None when it is not a union
    of area subtrees: `core.access.area_subtrees_q`."""
    return access.area_subtrees_q(user)


def _whole_months(cohort: Cohort) -> bool:
    start, end = cohort.signed_from, cohort.signed_to
    if start is not None and start.day != 1:
        return False
    if end is not None and (end + dt.timedelta(days=1)).day != 1:
        return False
    return True


def chain_tail() -> int:
    return audit.chain_tail_id()


def current_stamp():

    return SummaryStamp.objects.filter(pk=1).first()


def is_fresh(stamp=None, today: dt.date | None = None) -> bool:
    """The cells hold today's figures: built today, and nothing recorded in the ledger since."""
    today = today or clock.today()
    if stamp is not None:
        return stamp.as_of == today and stamp.chain_tail == chain_tail()
    # The stamp and the chain's tail in one statement: a change committing between two reads would
    # otherwise show a current summary as stale (its writer moves both in one transaction).
    tail = AuditChainHead.objects.filter(pk=1).values("last_id")[:1]
    row = SummaryStamp.objects.filter(pk=1).values_list("as_of", "chain_tail", Subquery(tail)).first()
    return row is not None and row[0] == today and row[1] == (row[2] or 0)


def figures_for(user, cohort: Cohort, as_of: dt.date, base=None) -> Figures:
    """Summary figures when they are certain to equal the live ones, else live figures."""
    live = LiveFigures(user, cohort, as_of, base)
    if base is not None or cohort.event is not None or not _whole_months(cohort) or as_of != clock.today():
        return live
    scope = cell_scope(user)
    if scope is None:
        return live
    if not is_fresh(today=as_of):
        schedule_refresh()
        return live
    return SummaryFigures(scope, cohort, as_of)


# --- Rebuilding the cells --------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_select(model, grain: str, queryset, prefix: str = "") -> None:
    """INSERT the grouped queryset's rows into the model's table, its columns named as the aggregates
    (less `prefix`: an aggregate over cells may not share its name with the column it sums)."""
    query = queryset.query
    names = [*query.values_select, *(n.removeprefix(prefix) for n in query.annotation_select)]
    columns = ["grain", *(model._meta.get_field(n.removesuffix("_id")).column for n in names)]
    sql, params = query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(model)} ({quoted}) SELECT %s, sub.* FROM ({sql}) sub", (grain, *params))


def _measures(today: dt.date) -> tuple[dict, dict]:
    """The aggregates stored in CohortCell, written with the live computation's own expressions."""
    measures = {key: metrics.parts(today)[key] for key in STORED_PARTS}
    annotations = {}
    light = sources.light_subquery(today)
    funds = sources.funds_subquery(today)
    if funds is not None:
        annotations["_funds"] = funds
        measures["funds"] = Sum("_funds", filter=metrics.DISCLOSED)
    if light is not None:
        annotations["_light"] = light
        for key in LIGHTS[:3]:
            measures[f"light_{key}"] = Count("pk", filter=Q(_light=key))
        measures["light_none"] = Count("pk", filter=Q(_light__isnull=True) | ~Q(_light__in=LIGHTS[:3]))
    else:
        measures["light_none"] = Count("pk")
    return annotations, measures


def _grains(today: dt.date) -> list[tuple]:
    """Per grain: (model, grain, keys, rows, measures), the cells being
    `rows.values(*keys).annotate(**measures)`. The one definition the rebuild and the update share."""
    base = frame(None, Cohort(), today, Project.objects.all()).annotate(month=TruncMonth("f_signed"))
    annotations, measures = _measures(today)
    full = base.annotate(**annotations)
    narrow = {"projects": Count("pk"), "value": Sum("f_value")}
    return [
        (CohortCell, "as", ["host_area_id", "sector_id"], full, measures),
        (CohortCell, "asm", ["host_area_id", "sector_id", "month"], full, measures),
        (CohortCell, "am", ["host_area_id", "month"], base, narrow),
        (EventCell, "ea", ["first_event_id", "host_area_id"], base, narrow),
        (EventCell, "easm", ["first_event_id", "host_area_id", "sector_id", "month"], base, narrow),
    ]


def refresh(today: dt.date | None = None) -> dict:
    """Rebuild the summary cells from the ledger as of today, in one transaction; returns what it wrote.

    The stamp takes the audit chain's tail BEFORE the cells are read: a change recorded while the
    cells are built moves the tail past the stamp, so those cells are never read as current.
    """

    today = today or clock.today()
    started = time.perf_counter()
    SummaryStamp.objects.get_or_create(
        pk=1,
        defaults={"chain_tail": -1, "as_of": today, "refreshed_at": timezone.now()},  # real time: when it ran
    )
    with transaction.atomic():
        stamp = SummaryStamp.objects.select_for_update().get(pk=1)  # one refresh at a time
        tail = chain_tail()
        CohortCell.objects.all().delete()
        EventCell.objects.all().delete()
        for model, grain, keys, rows, measures in _grains(today):
            _insert_select(model, grain, rows.values(*keys).annotate(**measures).order_by())

        cells = CohortCell.objects.count() + EventCell.objects.count()
        stamp.chain_tail = tail
        stamp.as_of = today
        stamp.refreshed_at = timezone.now()  # real time: when the refresh ran (`as_of` is the ledger's day)
        stamp.seconds = round(time.perf_counter() - started, 3)
        stamp.cells = cells
        stamp.save()
    log.info("dashboard summary rebuilt as of %s at audit #%s: %s cells in %.1f s", today, tail, cells, stamp.seconds)
    return {"as_of": today.isoformat(), "chain_tail": tail, "cells": cells, "seconds": stamp.seconds}


# --- Keeping the cells current in the transaction of each change ------------------------------------

# A cell's key: (host area, sector, signing month, first event); each grain keeps some of them.
KEY_NAMES = ("host_area_id", "sector_id", "month", "first_event_id")
# The project columns the cells are made of: a recorded change to none of them touches no cell.
CELL_COLUMNS = frozenset(
    {"host_area_id", "sector_id", "first_event_id", "light", *(column for column, _f in FRAME_FIELDS.values())}
)
# Other recorded rows the cells read (through `sources`): their project's cells are recomputed.
FEEDING_MODELS = frozenset({"supervision.progressreport", "supervision.lightassessment"})
# Up to this many keys a grain's cells are chosen key by key; beyond, by each key's values (a superset).
EXACT_KEYS = 64


def _month(value) -> dt.date | None:
    if value is None or value == "":
        return None
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.replace(day=1)


def _key(snapshot: dict) -> tuple:
    month = _month(snapshot.get("signed_on"))
    return (snapshot.get("host_area_id"), snapshot.get("sector_id"), month, snapshot.get("first_event_id"))


class CellChanges:
    """What recorded changes did to the summary cells (`core.audit.AFTER_RECORD`).

    `add` collects the cell keys the changed projects were in before and are in after (and the
    projects whose progress reports or lights changed); `apply`, in the same transaction and under the
    audit chain's lock, recomputes those cells from the ledger with the rebuild's own queries
    (`_grains`) and moves the stamp on to the new tail, so the cells stay current. It does so only if
    the cells were current up to the entry before these (else they stay stale until the rebuild).
    """

    def __init__(self):
        self.keys: set[tuple] = set()
        self.projects: set[int] = set()

    def add(self, changes) -> None:
        for model, _object_id, before, after in changes:
            label = model._meta.label_lower
            if model is Project:
                if (
                    before is not None
                    and after is not None
                    and all(before.get(c) == after.get(c) for c in CELL_COLUMNS)
                ):
                    continue
                for snapshot in (before, after):
                    if snapshot is not None:
                        self.keys.add(_key(snapshot))
            elif label in FEEDING_MODELS:
                project_id = (after or before or {}).get("project_id")
                if project_id is not None:
                    self.projects.add(int(project_id))

    def apply(self, previous_tail: int, tail: int) -> None:
        # Writers reach this one at a time (the chain's lock); a rebuild running meanwhile holds the
        # stamp: then this change is left to make the cells stale (the rebuild stamps an older tail).
        stamp = SummaryStamp.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if stamp is None or stamp.chain_tail != previous_tail or stamp.as_of != clock.today():
            return
        keys = set(self.keys)
        if self.projects:
            rows = Project.objects.filter(pk__in=self.projects).values_list(
                "host_area_id", "sector_id", "signed_on", "first_event_id"
            )
            keys.update((area, sector, _month(signed), event) for area, sector, signed, event in rows)
        update_cells(keys, stamp.as_of)
        stamp.chain_tail = tail
        stamp.save(update_fields=["chain_tail"])


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _key_filters(names: list[str], keys: set[tuple]) -> tuple[Q, Q]:
    """The same cells as a filter on cells and on the ledger frame (where a month is a signing-day range)."""

    def one(name, value, on_cells):
        if name != "month":
            return Q(**{name: value})
        return Q(month=value) if on_cells else Q(f_signed__gte=value, f_signed__lt=_next_month(value))

    if len(keys) <= EXACT_KEYS:
        cells, rows = Q(pk__in=[]), Q(pk__in=[])
        for key in keys:
            cells |= Q(*(one(n, v, True) for n, v in zip(names, key, strict=True)))
            rows |= Q(*(one(n, v, False) for n, v in zip(names, key, strict=True)))
        return cells, rows
    cells, rows = Q(), Q()
    for i, name in enumerate(names):
        values = {key[i] for key in keys}
        if name == "month":
            first, last = min(values), max(values)
            cells &= Q(month__gte=first, month__lte=last)
            rows &= Q(f_signed__gte=first, f_signed__lt=_next_month(last))
            continue
        known = [v for v in values if v is not None]
        either = Q(**{f"{name}__in": known}) | (Q(**{f"{name}__isnull": True}) if None in values else Q(pk__in=[]))
        cells &= either
        rows &= either
    return cells, rows


# A coarser grain's cells are the sums of a finer grain's (every measure is a count or a sum): an
# update recomputes the finer cells from the ledger (a few hundred projects each) and adds them up,
# instead of reading the thousands of projects of an area and sector again.
ADDED_UP_FROM = {"as": "asm", "am": "asm", "ea": "easm"}


def update_cells(keys: set[tuple], today: dt.date) -> None:
    """Recompute the cells of these (area, sector, month, event) keys from the ledger, in every grain."""
    keys = {key for key in keys if key[0] is not None and key[2] is not None}  # unsigned: in no cell
    if not keys:
        return
    grains = sorted(_grains(today), key=lambda g: g[1] in ADDED_UP_FROM)  # the finer grains first
    for model, grain, names, rows, measures in grains:
        positions = [KEY_NAMES.index(name) for name in names]
        wanted = {tuple(key[i] for i in positions) for key in keys}
        on_cells, on_rows = _key_filters(names, wanted)
        model.objects.filter(on_cells, grain=grain).delete()
        if grain in ADDED_UP_FROM:
            finer = model.objects.filter(on_cells, grain=ADDED_UP_FROM[grain]).values(*names)
            sums = finer.annotate(**{f"s_{name}": Sum(name) for name in measures}).order_by()
            _insert_select(model, grain, sums, prefix="s_")
        else:
            _insert_select(model, grain, rows.filter(on_rows).values(*names).annotate(**measures).order_by())


def schedule_refresh() -> None:
    """Queue one rebuild per ledger state (a stale summary must not queue a task per page view)."""
    key = f"reporting:summary-refresh:{chain_tail()}:{clock.today()}"
    if not cache.add(key, 1, 600):
        return
    try:
        transaction.on_commit(lambda: refresh_summary_task.enqueue())
    except Exception:  # the page must show its figures even when the queue is down
        log.exception("could not queue a dashboard summary refresh")
        cache.delete(key)
