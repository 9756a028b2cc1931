"""Open exports of the filtered ledger: CSV and XLSX rows, and an OC4IDS 0.9.5 project package.

All three start from the reader's visible projects narrowed by the ledger's ProjectFilterSet, and
stream: rows are read with `iterator(chunk_size=2000)` and written as they come, so a million-row
export runs in bounded memory. (The intake app's Excel export fills a bureau template layout; this
one is the plain data export.)
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from django.db import connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from investledger.core import clock, spreadsheets
from investledger.ledger.projects.choices import AgreementType, SideState, Stage
from investledger.reporting import sources

CHUNK = 2000
EXTENSION_DIR = Path(__file__).resolve().parent / "oc4ids"
OC4IDS_VERSION = "0.9"
ID_PREFIX = "investledger"


def columns() -> list[tuple[str, str]]:
    """(database path, heading) of the plain export, in order."""
    return [
        ("reference", _("Reference")),
        ("name", _("Project name")),
        ("investor__name", _("Investor")),
        ("host_area__name", _("Host area")),
        ("host_area__code", _("Host area code")),
        ("sector__name", _("Sector")),
        ("sector__strategic_emerging", _("Strategic emerging")),
        ("agreement_type", _("Agreement type")),
        ("stage", _("Stage")),
        ("side_state", _("Side state")),
        ("currency", _("Currency")),
        ("contract_value", _("Contract investment")),
        ("contract_value_cny", _("Contract investment (CNY)")),
        ("value_undisclosed", _("Amount undisclosed")),
        ("outside_value_cny", _("Outside money (CNY)")),
        ("signed_on", _("Signing date")),
        ("first_event__name", _("First signed at")),
        ("planned_start", _("Planned construction start")),
        ("planned_production", _("Planned production")),
        ("lead_unit__name", _("Lead unit")),
    ]


def _labels():
    return {
        "stage": dict(Stage.choices),
        "side_state": dict(SideState.choices),
        "agreement_type": dict(AgreementType.choices),
    }


def rows(queryset) -> Iterator[list]:
    """Export rows (heading first) with readable labels; values stay typed (Decimal, date)."""
    cols = columns()
    paths = [path for path, _h in cols]
    # Labels resolved once: lazy translations evaluated per cell cost more than the query.
    labels = {path: {key: str(label) for key, label in choices.items()} for path, choices in _labels().items()}
    yes, no = str(_("yes")), str(_("no"))
    undisclosed = paths.index("value_undisclosed")
    amounts = [paths.index("contract_value"), paths.index("contract_value_cny")]
    yield [str(heading) for _p, heading in cols]
    for values in queryset.order_by("pk").values_list(*paths).iterator(chunk_size=CHUNK):
        row = list(values)
        if row[undisclosed]:
            for index in amounts:  # no amount was made public: an empty cell, never a 0 that adds up
                row[index] = None
        for index, path in enumerate(paths):
            if path in labels and row[index] is not None:
                row[index] = labels[path].get(row[index], row[index]) if row[index] else ""
            elif path in ("sector__strategic_emerging", "value_undisclosed"):
                row[index] = yes if row[index] else no
        yield row


def csv_stream(queryset) -> Iterator[bytes] | Iterator[str]:
    """The rows as CSV text (a byte-order mark first, so Excel opens the Chinese names intact).

    PostgreSQL: the database's COPY writes the rows; elsewhere the ORM's rows go through csv.writer.
    Either way the same bytes (tested on PostgreSQL).
    """
    if connections[queryset.db].vendor == "postgresql":
        return copy_csv_stream(queryset)
    return spreadsheets.csv_lines(rows(queryset))


# --- The export in SQL (PostgreSQL's COPY) ---------------------------------------------------------

TEXT, LABEL, YES_NO, AMOUNT, DATE = "text", "label", "yes/no", "amount", "date"
KINDS = {
    "sector__strategic_emerging": YES_NO,
    "value_undisclosed": YES_NO,
    "agreement_type": LABEL,
    "stage": LABEL,
    "side_state": LABEL,
    "contract_value": AMOUNT,
    "contract_value_cny": AMOUNT,
    "outside_value_cny": AMOUNT,
    "signed_on": DATE,
    "planned_start": DATE,
    "planned_production": DATE,
}
HIDDEN_WHEN_UNDISCLOSED = ("contract_value", "contract_value_cny")
# spreadsheets.UNWRITABLE and FORMULA_PREFIXES as PostgreSQL regular expressions (NUL cannot be
# stored in PostgreSQL text at all).
SQL_UNWRITABLE = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
SQL_FORMULA = r"^([=+@\t\r-])"
SQL_NEUTRALISED = r"'\1"


def export_select(queryset, *, csv: bool) -> tuple[str, list]:
    """One SELECT of the export's rows from the access-scoped, filtered queryset, in `rows()`'s order.

    The queryset's own SQL (its joins, the access rule and the filters, with their parameters) is
    the inner query; around it, per column, the label of a choice, yes/no, an empty amount when the
    amount is undisclosed. `csv=True` also makes every cell the text `spreadsheets.csv_value` writes:
    control characters removed, a formula prefix neutralised with an apostrophe, an empty text NULL
    (COPY writes NULL as an empty cell but quotes an empty string), dates as YYYY-MM-DD.
    """
    paths = [path for path, _h in columns()]
    inner = queryset.order_by().values(xpk=F("pk"), **{f"x{i}": F(path) for i, path in enumerate(paths)})
    inner_sql, inner_params = inner.query.get_compiler(using=queryset.db).as_sql()
    undisclosed = f"q.x{paths.index('value_undisclosed')}"
    yes, no = str(_("yes")), str(_("no"))
    labels = {path: {key: str(label) for key, label in choices.items()} for path, choices in _labels().items()}
    params: list = []

    def text(column: str) -> str:
        if not csv:
            return column
        # The usual cell (no control character) costs two cheap tests; the regular expressions run
        # only on a cell that holds a control character.
        params.extend([SQL_UNWRITABLE, SQL_UNWRITABLE, SQL_FORMULA, SQL_NEUTRALISED, *spreadsheets.FORMULA_PREFIXES])
        prefixes = ", ".join(["%s"] * len(spreadsheets.FORMULA_PREFIXES))
        return (
            f"NULLIF(CASE WHEN {column} ~ %s THEN regexp_replace(regexp_replace({column}, %s, '', 'g'), %s, %s)"
            f" WHEN left({column}, 1) IN ({prefixes}) THEN '''' || {column} ELSE {column} END, '')"
        )

    selected = []
    for i, path in enumerate(paths):
        column, kind = f"q.x{i}", KINDS.get(path, TEXT)
        if kind == YES_NO:
            params.extend([spreadsheets.csv_value(yes), spreadsheets.csv_value(no)] if csv else [yes, no])
            selected.append(f"CASE WHEN {column} THEN %s ELSE %s END")
        elif kind == LABEL:
            whens = []
            for key, label in labels[path].items():
                if key:  # an empty code stays empty, as in rows()
                    whens.append("WHEN %s THEN %s")
                    params.extend([key, spreadsheets.csv_value(label) if csv else label])
            selected.append(f"CASE {column} {' '.join(whens)} ELSE {text(column)} END")
        elif kind == AMOUNT:
            hidden = path in HIDDEN_WHEN_UNDISCLOSED  # no amount was made public: empty, never 0
            selected.append(f"CASE WHEN {undisclosed} THEN NULL ELSE {column} END" if hidden else column)
        elif kind == DATE:
            selected.append(f"to_char({column}, 'YYYY-MM-DD')" if csv else column)
        else:
            selected.append(text(column))
    # Parameters in the order of their placeholders: the outer columns', then the inner query's.
    sql = f"SELECT {', '.join(selected)} FROM ({inner_sql}) AS q ORDER BY q.xpk"
    return sql, [*params, *inner_params]


COPY_BATCH = 1 << 16  # bytes handed to the response at a time


def copy_csv_stream(queryset) -> Iterator[bytes]:
    """The CSV written by PostgreSQL's COPY, in pieces of about 64 KiB.

    COPY sends one message a row, ending in LF; csv.writer ends rows with CRLF, so the last byte of
    each message becomes CRLF (a line break inside a quoted cell stays as it is, as csv.writer leaves
    it). Closing the generator early (a client gone) cancels the COPY.
    """
    headings = [str(heading) for _p, heading in columns()]
    yield "".join(spreadsheets.csv_lines([headings])).encode("utf-8")
    sql, params = export_select(queryset, csv=True)
    with connections[queryset.db].cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            batch: list[bytes] = []
            size = 0
            for row in copy:
                batch.append(bytes(row)[:-1])
                size += len(row)
                if size >= COPY_BATCH:
                    batch.append(b"")
                    yield b"\r\n".join(batch)
                    batch, size = [], 0
            if batch:
                batch.append(b"")
                yield b"\r\n".join(batch)


SQL_TYPES = {TEXT: "text", LABEL: "text", YES_NO: "text", AMOUNT: "numeric", DATE: "date"}


def copy_rows(queryset) -> Iterator[list]:
    """`rows()` read through PostgreSQL's COPY of the same SELECT (binary, typed: amounts stay Decimal)."""
    paths = [path for path, _h in columns()]
    yield [str(heading) for _p, heading in columns()]
    sql, params = export_select(queryset, csv=False)
    with connections[queryset.db].cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params) as copy:
            copy.set_types([SQL_TYPES[KINDS.get(path, TEXT)] for path in paths])
            for row in copy.rows():
                yield list(row)


def export_rows(queryset) -> Iterator[list]:
    """The export's rows, heading first: COPY on PostgreSQL, the ORM's chunked iterator elsewhere."""
    if connections[queryset.db].vendor == "postgresql":
        return copy_rows(queryset)
    return rows(queryset)


def xlsx_file(queryset):
    """A write-only workbook written row by row to a temporary file (deleted when closed)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(pgettext("application", "Projects")[:31])
    for row in export_rows(queryset):
        sheet.append(spreadsheets.xlsx_row(sheet, row))  # amounts stay Decimal: exact numbers
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(handle)
    handle.seek(0)
    return handle


# --- OC4IDS ------------------------------------------------------------------------------------

STATUS = {
    Stage.NEGOTIATING: "identification",
    Stage.SIGNED: "preparation",
    Stage.REGISTERED: "preparation",
    Stage.LAND_SECURED: "preparation",
    Stage.STARTED: "implementation",
    Stage.COMPLETED: "completion",
    Stage.IN_PRODUCTION: "maintenance",
    Stage.FULL_OUTPUT: "maintenance",
}


def project_status(stage: str, side_state: str) -> str:
    """Stage → OC4IDS projectStatus (a closed codelist). A terminated project is cancelled."""
    if side_state == SideState.TERMINATED:
        return "cancelled"
    return STATUS[stage]


def _datetime(day: dt.date | None) -> str | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).isoformat()


def _amount(value: Decimal | None, currency: str = "CNY") -> dict | None:
    return None if value is None else {"amount": float(value), "currency": currency}


def _drop_empty(data):
    """Leave out empty values, bottom-up (OC4IDS forbids empty objects and arrays)."""
    if isinstance(data, dict):
        cleaned = {k: _drop_empty(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [v for v in (_drop_empty(v) for v in data) if v not in (None, "", [], {})]
    return data


def oc4ids_project(project, milestones: list, reports: list, as_of: dt.date) -> dict:
    area_party = f"area-{project.host_area.code}"
    investor_party = f"investor-{project.investor_id}"
    parties = [
        {"id": area_party, "name": project.host_area.name, "roles": ["publicAuthority"]},
        {"id": investor_party, "name": project.investor.name, "roles": ["funder"]},
    ]
    if project.lead_unit_id:
        parties.append(
            {"id": f"unit-{project.lead_unit.code}", "name": project.lead_unit.name, "roles": ["administrativeEntity"]}
        )
    signing = {
        "id": "signing",
        "title": _("Signed at %(event)s") % {"event": project.first_event.name}
        if project.first_event_id
        else _("Signed"),
        "type": "approval",
        "code": "signing",
        "dateMet": _datetime(project.signed_on),
        "status": "met" if project.signed_on else "scheduled",
    }
    out_milestones = [signing]
    for m in milestones:
        met = m.is_met
        status = "met" if met else ("notMet" if m.planned_date < as_of else "scheduled")
        out_milestones.append(
            {
                "id": f"milestone-{m.pk}",
                "title": str(m.get_kind_display()),
                "type": "delivery",
                "code": m.kind,
                "dueDate": _datetime(m.planned_date),
                "dateMet": _datetime(m.actual_date) if met else None,
                "status": status,
            }
        )
    observations, transactions, previous = [], [], Decimal("0")
    for r in sorted(reports, key=lambda r: r.period):
        observations.append(
            {
                "id": f"funds-{r.period:%Y-%m}",
                "period": {"startDate": _datetime(r.period), "endDate": _datetime(r.submitted_on)},
                "value": _amount(r.funds_in_place_cny),
            }
        )
        if r.funds_in_place_cny > previous:
            transactions.append(
                {
                    "id": f"funds-{r.pk}",
                    "date": _datetime(r.submitted_on),
                    "value": _amount(r.funds_in_place_cny - previous),
                    "payer": {"id": investor_party, "name": project.investor.name},
                    "payee": {"id": area_party, "name": project.host_area.name},
                }
            )
        previous = max(previous, r.funds_in_place_cny)
    metrics_out = []
    if observations:
        metrics_out.append(
            {
                "id": "financialProgress",
                "title": _("Funds in place (cumulative)"),
                "description": _("Cumulative funds in place from the project's progress reports."),
                "observations": observations,
            }
        )
    data = {
        "id": f"{ID_PREFIX}-{project.reference}",
        "updated": project.updated.isoformat(),
        "title": project.name,
        "description": project.description,
        "status": project_status(project.stage, project.side_state),
        "type": "construction",
        "identifiers": [{"id": project.reference, "scheme": ID_PREFIX}],
        "publicAuthority": {"id": area_party, "name": project.host_area.name},
        # An undisclosed amount has no budget (left out as empty), rather than a budget of 0.
        "budget": {"amount": _amount(None if project.value_undisclosed else project.contract_value_cny)},
        "period": {"startDate": _datetime(project.planned_start), "endDate": _datetime(project.planned_completion)},
        "additionalClassifications": [
            {"scheme": f"{ID_PREFIX}-sector", "id": project.sector.code, "description": project.sector.name}
        ],
        "parties": parties,
        "milestones": out_milestones,
        "metrics": metrics_out,
        "transactions": transactions,
        # Extension (reporting/oc4ids/extension.json): what the ledger adds to OC4IDS.
        "signingEvent": {
            "id": str(project.first_event_id),
            "name": project.first_event.name,
            "date": _datetime(project.first_event.date),
        }
        if project.first_event_id
        else None,
        "contractValue": _amount(project.contract_value, project.currency),
        "responsibleUnit": {"id": f"unit-{project.lead_unit.code}", "name": project.lead_unit.name}
        if project.lead_unit_id
        else None,
    }
    return _drop_empty(data)


def oc4ids_stream(queryset, *, uri: str, extension_uri: str, publisher: str) -> Iterator[str]:
    """The package as JSON text, project by project (never the whole list in memory)."""
    as_of = clock.today()
    head = {
        "uri": uri,
        "publishedDate": clock.now().isoformat(),
        "version": OC4IDS_VERSION,
        "publisher": {"name": publisher},
        "extensions": [extension_uri],
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "projects": ['
    milestone_model = sources.available("supervision.Milestone")
    report_model = sources.available("supervision.ProgressReport")
    qs = queryset.select_related("investor", "host_area", "sector", "lead_unit", "first_event").order_by("pk")
    batch: list = []
    first = True

    def flush(batch):
        ids = [p.pk for p in batch]
        milestones: dict[int, list] = {}
        reports: dict[int, list] = {}
        if milestone_model is not None:
            for m in milestone_model.objects.filter(project_id__in=ids).order_by("position"):
                milestones.setdefault(m.project_id, []).append(m)
        if report_model is not None:
            for r in report_model.objects.filter(project_id__in=ids, submitted_on__lte=as_of):
                reports.setdefault(r.project_id, []).append(r)
        for p in batch:
            yield json.dumps(
                oc4ids_project(p, milestones.get(p.pk, []), reports.get(p.pk, []), as_of), ensure_ascii=False
            )

    for project in qs.iterator(chunk_size=CHUNK):
        batch.append(project)
        if len(batch) >= 500:
            for item in flush(batch):
                yield item if first else "," + item
                first = False
            batch = []
    for item in flush(batch):
        yield item if first else "," + item
        first = False
    yield "]}"


def extension_document() -> dict:
    return json.loads((EXTENSION_DIR / "extension.json").read_text(encoding="utf-8"))


def extension_schema() -> dict:
    return json.loads((EXTENSION_DIR / "project-schema.json").read_text(encoding="utf-8"))
