"""Imports: upload, map, check every row, let the user decide, then write all rows or none.

The steps, each a function called by the page, the API and the `import` command alike:
- `batch_store` stores the file (refusing at once only what costs no reading) and `batch_start_reading`
  queues `batch_read` for the worker, which refuses what is not a usable sheet, finds the header and
  guesses the mapping (a remembered one first); `batch_create` does both in-process for the command;
- `batch_confirm_mapping` fixes the mapping and remembers it for the source;
- `batch_validate` (queued for the worker by `batch_start_validation`) reads every row (as a stream), parses it, checks it against the reference data,
  the user's scope and the ledger (likely duplicates, checked in bulk), and keeps each row with its
  errors and warnings (`ImportRow`): the preview;
- `batch_resolve` records the user's decision on each likely duplicate (or, for a progress sheet, the
  confirmation of figures above the tolerance);
- `batch_commit` writes the ledger in one transaction. Signing lists: new projects, their first
  signings and new investors as plain rows with their audit entries (`bulk`: the field rules of
  `projects.services.project_create`, the snapshots and hash chain of `core.audit`), re-signings
  through `projects.services.signing_add`. Progress sheets: every row through
  `supervision.services.report_submit` (`progress_import`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from investledger.core import access, audit, bulk, clock
from investledger.core.access import Action
from investledger.core.money import convert_to_cny
from investledger.intake import preview, progress, progress_import
from investledger.intake.fields import Kind, columns_for
from investledger.intake.mapping import auto_mapping, find_header, missing_required
from investledger.intake.models import ColumnMapping, ExchangeRate, ImportBatch, ImportRow
from investledger.intake.parsing import (
    SheetError,
    detect_format,
    open_table,
    read_ahead,
    read_limits,
    read_upload_to,
    refusal,
)
from investledger.intake.values import (
    MULTILINE_FIELDS,
    CellError,
    control_problem,
    normalise_key,
    parse_amount,
    parse_currency,
    parse_date,
    parse_int,
    text_of,
    unit_from_header,
)
from investledger.intake.xlsxstream import LimitExceeded
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import AgreementType, Light, SigningKind, Stage
from investledger.ledger.projects.duplicates import AreaProjects
from investledger.ledger.projects.models import Project, Signing
from investledger.ledger.projects.services import reserve_references, signing_add
from investledger.reference.models import Area, Sector
from investledger.supervision.choices import MilestoneKind
from investledger.supervision.lifecycle import FirstPlans
from investledger.supervision.models import LightAssessment, Milestone

logger = logging.getLogger(__name__)

CHUNK = 2000
READ_AHEAD_ROWS = 5000  # sheets longer than this are read by a child process while rows are checked
_ONE = Decimal("1")
_ZERO = Decimal("0")
_WHAT_AREA, _WHAT_SECTOR, _WHAT_EVENT = gettext_lazy("area"), gettext_lazy("sector"), gettext_lazy("signing event")


_NEW_OUTCOMES = (ImportRow.Outcome.NEW, ImportRow.Outcome.REPORT_NEW)
_EXISTING_OUTCOMES = (ImportRow.Outcome.UNCHANGED, ImportRow.Outcome.RESIGNING, ImportRow.Outcome.REPORT_CORRECTION)


class ImportRefused(Exception):
    """The batch cannot go on (wrong state, unresolved rows, errors). The message says why."""


class Abandoned(Exception):
    """The batch stopped running while this process worked on it (the sweep of stuck imports failed
    it, `stale.sweep`): the work stops, and a commit rolls back, leaving the batch as the sweep left it."""


def background_threshold() -> int:
    return int(getattr(settings, "INTAKE_BACKGROUND_ROWS", 2000))


# --- Upload -------------------------------------------------------------------------------------


def upload_action(kind: str) -> str:
    """What a user must be allowed to do to import a kind of sheet: create projects, or report progress."""
    return Action.REPORT if kind == Kind.PROGRESS else Action.CREATE


def _scope_area(user, action=Action.CREATE):
    """The area a batch belongs to: the uploader's area, or none for city-wide staff."""
    if access.is_city_wide(user, action):
        return None
    for assignment in access.assignments(user):
        if assignment.area_id and action in access.ROLE_ACTIONS[assignment.role]:
            return assignment.area
    return None


def batch_store(*, user, uploaded, file_name: str, kind: str = Kind.SIGNINGS, source: str = "", event=None):
    """Store an uploaded file as a new batch waiting to be read (status READING); nothing of the
    sheet is read yet. Refuses here (SheetError, leaving no batch) only what costs no reading: an
    unknown kind, a file past the size limit (while it is received), one that is no .xlsx or .csv
    by its first bytes. Reading it is `batch_read`, queued for the worker by `batch_start_reading`."""
    if kind not in dict(Kind.choices):
        raise SheetError(_("Unknown kind of sheet: %(kind)s.") % {"kind": kind})
    if not access.can(user, upload_action(kind)):
        if kind == Kind.PROGRESS:
            raise PermissionError(_("You may not report progress."))
        raise PermissionError(_("You may not import projects."))
    folder = Path(settings.MEDIA_ROOT) / "imports" / clock.today().strftime("%Y/%m")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file_name).suffix.lower()[:8]
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    try:
        size = read_upload_to(path, uploaded)
        fmt = detect_format(path, file_name)
    except SheetError:
        path.unlink(missing_ok=True)
        raise
    return ImportBatch.objects.create(
        kind=kind,
        source=source,
        file=str(path.relative_to(settings.MEDIA_ROOT)),
        file_name=Path(file_name).name[:255],
        file_size=size,
        file_format=fmt,
        uploaded_by=user,
        area=_scope_area(user, upload_action(kind)),
        event=event,
        status=ImportBatch.Status.READING,
    )


def batch_read(batch: ImportBatch) -> ImportBatch:
    """Read a stored file's header within the limits (`read_limits`, INTAKE_READ_SECONDS among them)
    and guess its mapping (a remembered one first): the batch then waits for the mapping (MAPPING).
    A file that cannot be used ends FAILED with the reason."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.READING, message="", updated=clock.now())
    try:
        table = open_table(Path(settings.MEDIA_ROOT) / str(batch.file.name), batch.file_format)
        header = find_header(table, batch.kind)
        table.headers = header.texts
        mapping, scores = auto_mapping(header, batch.kind)
        samples = []
        for _number, values in table.rows(header.row + 1):
            if any(text_of(v) for v in values):
                samples.append([text_of(v) for v in values])
            if len(samples) >= 3:
                break
    except SheetError as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(
            status=ImportBatch.Status.FAILED, message=str(exc), updated=clock.now()
        )
        batch.refresh_from_db()
        return batch
    remembered = ColumnMapping.objects.filter(source=batch.source, kind=batch.kind, signature=header.signature).first()
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(
        status=ImportBatch.Status.MAPPING,
        sheet_name=table.sheet_name,
        header_row=header.row,
        headers=header.texts,
        signature=header.signature,
        mapping=remembered.mapping if remembered and batch.source else mapping,
        suggested={k: {"field": v, "score": round(scores[k])} for k, v in mapping.items()},
        mapping_remembered=bool(remembered and batch.source),
        samples=samples,
        rows_total=max(table.total_rows - header.row, 0),
        updated=clock.now(),
    )
    batch.refresh_from_db()
    return batch


def batch_start_reading(batch: ImportBatch, *, mapping: dict | None = None, check: bool = False) -> ImportBatch:
    """Queue the reading of a stored file for the worker (the page then polls the batch). With
    `check`, the worker goes on to confirm `mapping` (the guessed one if None) and check every row,
    as the API asks; a mapping it refuses fails the batch with the reason."""
    from investledger.intake.tasks import read_batch

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.READING, message="", task_id="", updated=clock.now()
    )
    _remember_task(batch, read_batch.enqueue(batch.pk, translation.get_language() or "", mapping, check))
    batch.refresh_from_db()
    return batch


def batch_create(*, user, uploaded, file_name: str, kind: str = Kind.SIGNINGS, source: str = "", event=None):
    """Store a file and read its header in this process (`batch_store`, `batch_read`), as the `import`
    command does, within the same limits. SheetError if it is not usable; a refused file leaves no
    batch behind."""
    batch = batch_read(
        batch_store(user=user, uploaded=uploaded, file_name=file_name, kind=kind, source=source, event=event)
    )
    if batch.status == ImportBatch.Status.FAILED:
        batch_delete_file(batch)
        batch.delete()
        raise SheetError(batch.message)
    return batch


def mapping_is_sure(batch: ImportBatch) -> bool:
    """Whether the mapping can be used without asking: remembered, or every guess sure and complete."""
    if missing_required(batch.mapping, batch.kind, event_given=batch.event_id is not None):
        return False
    if batch.mapping_remembered:
        return True
    return all(s["score"] >= 90 for s in batch.suggested.values())


def batch_confirm_mapping(*, batch: ImportBatch, mapping: dict[str, str], user, remember: bool = True):
    """Fix the mapping (column index → field). Refuses a field given twice or a required one missing."""
    known = {c.name for c in columns_for(batch.kind)}
    clean = {}
    seen: dict[str, str] = {}
    for index, name in mapping.items():
        if not name:
            continue
        if name not in known:
            raise ImportRefused(_("Unknown field %(field)s.") % {"field": name})
        if int(index) >= len(batch.headers) or int(index) < 0:
            raise ImportRefused(_("The sheet has no column %(n)s.") % {"n": int(index) + 1})
        if name in seen:
            raise ImportRefused(
                _("Columns %(a)s and %(b)s are both mapped to the same field; map one of them only.")
                % {"a": batch.headers[int(seen[name])], "b": batch.headers[int(index)]}
            )
        seen[name] = index
        clean[str(int(index))] = name
    missing = missing_required(clean, batch.kind, event_given=batch.event_id is not None)
    if missing:
        raise ImportRefused(
            _("Map a column to each required field: %(fields)s.")
            % {"fields": ", ".join(f"{c.zh} / {c.en}" for c in missing)}
        )
    batch.mapping = clean
    batch.save(update_fields=["mapping", "updated"])
    if remember and batch.source:
        ColumnMapping.objects.update_or_create(
            source=batch.source,
            kind=batch.kind,
            signature=batch.signature,
            defaults={"headers": batch.headers, "mapping": clean, "confirmed_by": user},
        )
    return batch


# --- Reference data, looked up in memory ---------------------------------------------------------

STAGE_WORDS = {
    Stage.NEGOTIATING: ("在谈", "洽谈", "洽谈中", "under negotiation", "negotiating"),
    Stage.SIGNED: ("签约", "已签约", "signed"),
    Stage.REGISTERED: ("注册", "已注册", "落地", "已落地", "registered"),
    Stage.LAND_SECURED: ("供地", "已供地", "land secured"),
    Stage.STARTED: ("开工", "已开工", "在建", "construction started", "started", "under construction"),
    Stage.COMPLETED: ("竣工", "已竣工", "completed"),
    Stage.IN_PRODUCTION: ("投产", "已投产", "in production"),
    Stage.FULL_OUTPUT: ("达产", "已达产", "reached design output", "full output"),
}
AGREEMENT_WORDS = {
    AgreementType.FRAMEWORK: ("框架协议", "战略合作协议", "合作协议", "framework agreement", "framework"),
    AgreementType.CONTRACT: ("投资合同", "投资协议", "正式合同", "合同", "investment contract", "contract"),
    AgreementType.SUPPLEMENTARY: ("补充协议", "supplementary agreement", "supplementary"),
}


def _index(objects, *attrs) -> dict[str, list]:
    table: dict[str, list] = defaultdict(list)
    for obj in objects:
        for attr in attrs:
            value = getattr(obj, attr, "")
            if value:
                key = normalise_key(value)
                if obj not in table[key]:
                    table[key].append(obj)
    return table


def _words(table: dict, labels) -> dict[str, str]:
    out = {}
    for value, words in table.items():
        out[normalise_key(value)] = value
        for word in words:
            out[normalise_key(word)] = value
    for value, label in labels:
        out.setdefault(normalise_key(str(label)), value)
    return out


class Lookup:
    """Areas, sectors, events, stages and rates, loaded once per batch."""

    def __init__(self, user):
        self.areas = _index(Area.objects.all(), "name", "name_en", "code")
        self.sectors = _index(Sector.objects.all(), "name", "name_en", "code")
        self.events = _index(SigningEvent.objects.all(), "name", "name_en")
        self.events_by_id = {e.pk: e for lst in self.events.values() for e in lst}
        with override("en"):
            self.stages = _words(STAGE_WORDS, [(v, str(label)) for v, label in Stage.choices])
            self.agreements = _words(AGREEMENT_WORDS, [(v, str(label)) for v, label in AgreementType.choices])
        self.allowed_area_ids = set(
            Area.objects.filter(access.area_q(user, Action.CREATE)).values_list("pk", flat=True)
        )
        self.rates: dict[tuple[str, dt.date], ExchangeRate | None] = {}
        self._found: dict[tuple[int, str], object] = {}

    def one(self, table: dict, text: str, what: str | Promise):
        key = (id(table), text)
        found = self._found.get(key)
        if found is not None:
            return found
        matches = table.get(normalise_key(text), [])
        if not matches:
            raise CellError(_("unknown %(what)s %(text)s") % {"what": what, "text": text})
        if len(matches) > 1:
            raise CellError(
                _("%(text)s matches several: %(names)s; use the code")
                % {"text": text, "names": ", ".join(str(m) for m in matches)}
            )
        if len(self._found) < 10_000:  # the few spellings of areas, sectors and events a file uses
            self._found[key] = matches[0]
        return matches[0]

    def rate(self, currency: str, day: dt.date) -> ExchangeRate | None:
        key = (currency, day)
        if key not in self.rates:
            self.rates[key] = ExchangeRate.rate_on(currency, day)
        return self.rates[key]


# --- Checking rows --------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    raw: dict | None  # the cells by header; None until wanted (`RowChecker.raw_of`)
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    duplicate_of: int | None = None
    outcome: str = ""
    project_id: int | None = None

    cells: list | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": str(message)})

    def warn(self, column: str, message: str, **extra) -> None:
        self.warnings.append({"column": column, "message": str(message), **extra})


MODEL_FIELDS = (
    "name",
    "agreement_type",
    "currency",
    "contract_value",
    "fx_rate",
    "fx_date",
    "contract_value_cny",
    "outside_value_cny",
    "fixed_asset_value_cny",
    "value_approximate",
    "value_undisclosed",
    "planned_jobs",
    "planned_start",
    "planned_completion",
    "planned_production",
    "responsible_leader",
    "commissioner",
    "stage",
    "description",
)
DECIMAL_FIELDS = {"contract_value", "fx_rate", "contract_value_cny", "outside_value_cny", "fixed_asset_value_cny"}
DATE_FIELDS = {"fx_date", "planned_start", "planned_completion", "planned_production", "signed_on"}

# Sheet column of each model field whose message is shown on a row.
_MODEL_COLUMN = {
    "contract_value_cny": "contract_value",
    "fx_rate": "contract_value",
    "fx_date": "contract_value",
    "outside_value_cny": "outside_value",
    "fixed_asset_value_cny": "fixed_asset_value",
}
_FIELD_RULES = {name: Project._meta.get_field(name) for name in MODEL_FIELDS}
INVESTOR_NAME_LENGTH = cast(int, Investor._meta.get_field("name").max_length)  # a CharField's


def _rules() -> list:
    """(name, model field, its quick test) of every project field an import fills, built once."""
    global _RULES
    if _RULES is None:
        _RULES = [(name, model_field, _quick_test(model_field)) for name, model_field in _FIELD_RULES.items()]
    return _RULES


_RULES: list | None = None


def _quick_test(field) -> Callable[[object], bool]:
    """The quick test of one field, chosen once: choices, then its type's limits."""
    if field.choices:
        choices, type_ok = _choice_values(field), _type_test(field)
        return lambda value: value.__hash__ is not None and value in choices and type_ok(value)
    return _type_test(field)


def _type_test(field) -> Callable[[object], bool]:
    if isinstance(field, models.DecimalField):
        places_allowed = field.decimal_places
        whole_allowed = field.max_digits - field.decimal_places

        def decimal_ok(value):
            if value.__class__ is not Decimal or not value.is_finite():
                return False
            sign, digits, exponent = value.as_tuple()
            # Finite, so the exponent is a number (not "n", "N" or "F").
            if max(-exponent, 0) > places_allowed or len(digits) + exponent > whole_allowed:  # type: ignore[operator]
                return False
            return not sign or not any(digits)  # a negative amount: the field's validators decide

        return decimal_ok
    if isinstance(field, models.CharField):
        length, blank = field.max_length or 0, field.blank  # a CharField has a max_length
        return lambda value: isinstance(value, str) and len(value) <= length and (blank or value != "")
    if isinstance(field, models.IntegerField):
        return lambda value: value.__class__ is int and 0 <= value <= 2_147_483_647
    if isinstance(field, models.BooleanField):
        return lambda value: value.__class__ is bool
    if isinstance(field, models.DateField):
        return lambda value: isinstance(value, dt.date)
    if isinstance(field, models.TextField):
        return lambda value: isinstance(value, str)  # text choices (Stage.SIGNED) are str too
    return lambda value: False


_CHOICES: dict = {}


def _choice_values(field) -> set:
    if field not in _CHOICES:
        _CHOICES[field] = {value for value, _label in field.flatchoices}
    return _CHOICES[field]


_NO_VALUES = dict.fromkeys(MODEL_FIELDS)


class _ProjectValues:
    """Parsed values read as project attributes, for `Project.clean()` without a model instance."""

    currency: str
    fx_rate: Decimal | None

    def __init__(self, values: dict):
        self.__dict__.update(_NO_VALUES)
        self.__dict__.update(values)
        self.currency = values.get("currency") or "CNY"
        self.side_state = ""
        self.side_state_reason = ""
        self.side_state_date = None
        if self.fx_rate is None and self.currency == "CNY":
            self.fx_rate = Decimal("1")

    def __getattr__(self, name):
        # Any other field `Project.clean()` may read: as a new project would have it.
        field = Project._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation: no value of the project's own
            raise AttributeError(name)
        return field.get_default()


class RowChecker:
    """Parses and checks rows of one batch; holds what is loaded once (reference data, scope)."""

    def __init__(self, batch: ImportBatch, user):
        self.batch = batch
        self.user = user
        self.lookup = Lookup(user)
        self.columns = {c.name: c for c in columns_for(batch.kind)}
        self.by_field = {name: int(index) for index, name in batch.mapping.items()}
        self.header_of = {name: batch.headers[index] or self.columns[name].zh for name, index in self.by_field.items()}
        self.units = {name: unit_from_header(self.header_of[name]) for name in self.by_field}
        self.default_event = batch.event
        # The same project twice in one file: a 64-bit hash of (name, investor, area) per row, not the
        # texts, so the set stays small for a large file (a false match is about 1 in 10^9 at 100,000 rows).
        self.seen_in_file: dict[int, int] = {}
        self.formulas: dict[tuple[int, int], str] = {}  # (row number, column index) -> the formula
        self.area_pools: dict[int, AreaProjects] = {}

    def column_label(self, name: str) -> str:
        if name in self.header_of:
            return self.header_of[name]
        column = self.columns.get(name)
        return column.zh if column else name

    def raw_of(self, cells: list) -> dict:
        """The row's cells by header (column letter where the header is empty), empty cells left out."""
        raw = {}
        headers = self.batch.headers
        for index, value in enumerate(cells):
            text = text_of(value)
            if text:
                head = headers[index] if index < len(headers) else ""
                raw[head or _column_letter(index)] = text
        return raw

    def _value(self, row: ParsedRow, cells: list, name: str, parser=None, *args):
        """The parsed value of a field's cell: text ("" when empty) without a parser, else the parser's.

        A cell the parser refuses becomes an error on the row (named by the column's header) and None.
        """
        index = self.by_field.get(name)
        value = None
        if index is not None and index < len(cells):
            value = cells[index]
            if self.formulas and (row.number, index) in self.formulas and (value is None or value == ""):
                row.error(
                    self.column_label(name),
                    _(
                        "the cell holds the formula %(formula)s with no saved value: open the file in Excel, save it and upload again, or paste values"
                    )
                    % {"formula": self.formulas[(row.number, index)]},
                )
                return "" if parser is None else None
            if value.__class__ is str:
                value = value.strip()
                if not value:
                    value = None
                elif not value.isprintable() and (
                    problem := control_problem(value, multiline=name in MULTILINE_FIELDS)
                ):
                    row.error(self.column_label(name), problem)
                    return "" if parser is None else None
        if parser is None:
            return "" if value is None else text_of(value)
        if value is None:
            return None
        try:
            return parser(value, *args)
        except CellError as exc:
            row.error(self.column_label(name), str(exc))
            return None

    def parse(self, number: int, cells: list) -> ParsedRow | None:
        """One data row, or None for a row with nothing in it."""
        for value in cells:
            if value is not None and not (value.__class__ is str and not value.strip()):
                break
        else:
            return None
        # The cells by header are made only for rows that end up flagged (`raw_of`).
        row = ParsedRow(number, None, cells=cells)
        v = row.values
        get = self._value
        v["reference"] = get(row, cells, "reference")
        v["name"] = get(row, cells, "name")
        v["investor"] = get(row, cells, "investor")
        for name in ("name", "investor"):
            if not v[name] and name in self.columns and self.columns[name].required:
                if not any(e["column"] == self.column_label(name) for e in row.errors):
                    row.error(self.column_label(name), _("required"))
        area_text = get(row, cells, "host_area")
        area = None
        if area_text:
            try:
                area = self.lookup.one(self.lookup.areas, area_text, _WHAT_AREA)
            except CellError as exc:
                row.error(self.column_label("host_area"), str(exc))
        elif not v["reference"]:
            row.error(self.column_label("host_area"), _("required"))
        v["host_area_id"] = area.pk if area else None
        sector_text = get(row, cells, "sector")
        sector = None
        if sector_text:
            try:
                sector = self.lookup.one(self.lookup.sectors, sector_text, _WHAT_SECTOR)
            except CellError as exc:
                row.error(self.column_label("sector"), str(exc))
        elif not v["reference"]:
            row.error(self.column_label("sector"), _("required"))
        v["sector_id"] = sector.pk if sector else None
        event_text = get(row, cells, "event")
        event = None
        if event_text:
            try:
                event = self.lookup.one(self.lookup.events, event_text, _WHAT_EVENT)
            except CellError as exc:
                row.error(self.column_label("event"), str(exc))
        elif self.default_event is not None:
            event = self.default_event
        else:
            row.error(
                self.column_label("event"),
                _("no signing event: name one in this column or choose an event when uploading"),
            )
        v["event_id"] = event.pk if event else None
        signed_on = get(row, cells, "signed_on", parse_date)
        if signed_on is None and event is not None:
            signed_on = event.date
        v["signed_on"] = signed_on
        currency_cell = get(row, cells, "currency", parse_currency)
        amount = get(
            row, cells, "contract_value", parse_amount, self.units.get("contract_value"), currency_cell or "CNY"
        )
        if (
            amount is None
            and not v["reference"]
            and not any(e["column"] == self.column_label("contract_value") for e in row.errors)
        ):
            # No amount was made public: the project is created with its amount undisclosed (kept at
            # 0, left out of value figures), as the project form does, and the preview says so.
            v.update(currency="CNY", contract_value=_ZERO, fx_rate=_ONE, fx_date=None, contract_value_cny=_ZERO)
            v["value_undisclosed"] = True
            row.warn(
                self.column_label("contract_value"),
                _("no amount given: the project is saved with its amount undisclosed"),
            )
        if amount is not None:
            currency = currency_cell or amount.currency
            v["currency"] = currency
            v["contract_value"] = amount.value
            v["value_approximate"] = amount.approximate
            if currency == "CNY":
                v["fx_rate"], v["fx_date"] = _ONE, None
            else:
                day = signed_on or clock.today()
                rate = self.lookup.rate(currency, day)
                if rate is None:
                    row.error(
                        self.column_label("contract_value"),
                        _("no exchange rate recorded for %(currency)s on or before %(date)s: add one, then check again")
                        % {"currency": currency, "date": day.isoformat()},
                    )
                else:
                    v["fx_rate"], v["fx_date"] = rate.rate, rate.date
            if v.get("fx_rate"):
                v["contract_value_cny"] = convert_to_cny(amount.value, v["fx_rate"])
        for name, target in (("outside_value", "outside_value_cny"), ("fixed_asset_value", "fixed_asset_value_cny")):
            extra = get(row, cells, name, parse_amount, self.units.get(name), "CNY")
            if extra is not None and extra.currency != "CNY":
                row.error(self.column_label(name), _("give this amount in CNY"))
                extra = None
            v[target] = extra.value if extra else None
        v["stage"] = Stage.SIGNED
        stage_text = get(row, cells, "stage")
        if stage_text:
            stage = self.lookup.stages.get(normalise_key(stage_text))
            if stage is None:
                row.error(self.column_label("stage"), _("unknown stage %(text)s") % {"text": stage_text})
            else:
                v["stage"] = stage
        v["agreement_type"] = AgreementType.CONTRACT
        agreement_text = get(row, cells, "agreement_type")
        if agreement_text:
            agreement = self.lookup.agreements.get(normalise_key(agreement_text))
            if agreement is None:
                row.error(
                    self.column_label("agreement_type"), _("unknown agreement type %(text)s") % {"text": agreement_text}
                )
            else:
                v["agreement_type"] = agreement
        v["planned_jobs"] = get(row, cells, "planned_jobs", parse_int)
        for name in ("planned_start", "planned_completion", "planned_production"):
            v[name] = get(row, cells, name, parse_date)
        for name in ("responsible_leader", "commissioner", "description"):
            v[name] = get(row, cells, name)
        if area is not None and area.pk not in self.lookup.allowed_area_ids and not v["reference"]:
            row.error(
                self.column_label("host_area"),
                _("you may not import projects into %(area)s (outside your areas)") % {"area": area},
            )
        if not row.errors and not v["reference"]:
            self._model_checks(row, area, sector)
        return row

    def _model_checks(self, row: ParsedRow, area, sector) -> None:
        """The same field rules as `project_create` (lengths, choices, validators, `Project.clean()`).

        Checked on the parsed values directly rather than through `Project.full_clean()` per row:
        a value that passes the quick test is valid; one that does not is passed to the field's own
        `clean()`, so the message is the one the project form gives.
        """
        v = row.values
        for name, model_field, quick_ok in _rules():
            value = v.get(name)
            if value is None or quick_ok(value):
                continue
            try:
                model_field.clean(value, None)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(self.column_label(_MODEL_COLUMN.get(name, name)), message)
        try:
            Project.clean(cast(Project, _ProjectValues(v)))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(self.column_label(_MODEL_COLUMN.get(name, name)), message)
        investor = v.get("investor") or ""
        if len(investor) > INVESTOR_NAME_LENGTH:
            row.error(self.column_label("investor"), _("too long"))

    # -- bulk checks over a chunk of rows --

    def check_chunk(self, rows: list[ParsedRow]) -> None:
        """Checks that need the ledger, made for a whole chunk at once: references, investors, duplicates."""
        refs = {r.values["reference"] for r in rows if r.values.get("reference") and not r.errors}
        projects = {}
        if refs:
            visible = Project.objects.visible_to(self.user).filter(reference__in=refs)
            projects = {
                p.reference: p
                for p in visible.only("pk", "reference", "name", "host_area_id", "contract_value_cny", "sector_id")
            }
            signed = defaultdict(set)
            for project_id, event_id in Signing.objects.filter(project__in=projects.values()).values_list(
                "project_id", "event_id"
            ):
                signed[project_id].add(event_id)
        names = {r.values["investor"] for r in rows if r.values.get("investor") and not r.errors}
        investors = bulk.ids_by(Investor, "name", names)
        for row in rows:
            if row.errors:
                row.outcome = ImportRow.Outcome.ERROR
                continue
            v = row.values
            if v.get("reference"):
                project = projects.get(v["reference"])
                if project is None:
                    row.error(
                        self.column_label("reference"), _("no project %(ref)s in your ledger") % {"ref": v["reference"]}
                    )
                    row.outcome = ImportRow.Outcome.ERROR
                    continue
                row.project_id = project.pk
                v["project_id"] = project.pk
                differs = []
                if v.get("name") and v["name"] != project.name:
                    differs.append(self.column_label("name"))
                if v.get("contract_value_cny") is not None and v["contract_value_cny"] != project.contract_value_cny:
                    differs.append(self.column_label("contract_value"))
                if v.get("host_area_id") and v["host_area_id"] != project.host_area_id:
                    differs.append(self.column_label("host_area"))
                if v.get("sector_id") and v["sector_id"] != project.sector_id:
                    differs.append(self.column_label("sector"))
                if differs:
                    row.warn(
                        self.column_label("reference"),
                        _(
                            "differs from the ledger in %(columns)s; an import does not change existing projects: edit the project to change it"
                        )
                        % {"columns": ", ".join(differs)},
                    )
                if v.get("event_id") in signed.get(project.pk, set()):
                    row.outcome = ImportRow.Outcome.UNCHANGED
                else:
                    if project.host_area_id not in self.lookup.allowed_area_ids:
                        row.error(
                            self.column_label("reference"),
                            _("you may not record signings of projects in other areas"),
                        )
                        row.outcome = ImportRow.Outcome.ERROR
                        continue
                    row.outcome = ImportRow.Outcome.RESIGNING
                    if v.get("contract_value_cny") is None:
                        v["contract_value_cny"] = project.contract_value_cny
                continue
            v["investor_id"] = investors.get(v["investor"])
            key = hash((normalise_key(v["name"]), normalise_key(v["investor"]), v["host_area_id"]))
            if key in self.seen_in_file:
                row.error(
                    self.column_label("name"),
                    _("the same project (name, investor, area) is already in row %(row)s of this file")
                    % {"row": self.seen_in_file[key]},
                )
                row.outcome = ImportRow.Outcome.ERROR
                continue
            self.seen_in_file[key] = row.number
            row.outcome = ImportRow.Outcome.NEW
        self._duplicates([r for r in rows if r.outcome == ImportRow.Outcome.NEW])

    def _pool(self, area_id: int) -> AreaProjects:
        if area_id not in self.area_pools:
            self.area_pools[area_id] = AreaProjects(area_id)
        return self.area_pools[area_id]

    def _duplicates(self, rows: list[ParsedRow]) -> None:
        """The rule of `projects.duplicates` for each new row: one query per area in the file."""
        for row in rows:
            v = row.values
            pool = self._pool(v["host_area_id"])
            if not pool:
                continue
            matches = pool.matches(v["name"], v.get("investor_id"), v.get("contract_value_cny"), limit=1)
            if not matches:
                continue
            best, reasons = matches[0].known, matches[0].reasons
            row.duplicate_of = best.pk
            event = self.lookup.events_by_id.get(v.get("event_id"))
            first = self.lookup.events_by_id.get(best.first_event_id)
            if best.first_event_id and v.get("event_id") and best.first_event_id != v["event_id"]:
                message = _(
                    "likely a re-signing of %(ref)s %(name)s, first signed at %(first)s (%(reasons)s): same project or a new one?"
                ) % {"ref": best.reference, "name": best.name, "first": first or "—", "reasons": "; ".join(reasons)}
            elif best.first_event_id and best.first_event_id == v.get("event_id"):
                message = _(
                    "likely the same as %(ref)s %(name)s, already signed at %(event)s (%(reasons)s): same project or a new one?"
                ) % {"ref": best.reference, "name": best.name, "event": event or "—", "reasons": "; ".join(reasons)}
            else:
                message = _("likely duplicate of %(ref)s %(name)s (%(reasons)s): same project or a new one?") % {
                    "ref": best.reference,
                    "name": best.name,
                    "reasons": "; ".join(reasons),
                }
            row.warn(self.column_label("name"), message, duplicate=best.reference)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _from_json(values: dict) -> dict:
    out = dict(values)
    for key in DECIMAL_FIELDS:
        if out.get(key) is not None:
            out[key] = Decimal(out[key])
    for key in DATE_FIELDS:
        if out.get(key):
            out[key] = dt.date.fromisoformat(out[key])
    return out


def batch_validate(batch: ImportBatch, *, report: Callable[[dict], None] | None = None) -> ImportBatch:
    """Read and check every row; keep them as the preview (`preview`). The file's problems end as FAILED."""
    started = time.monotonic()
    batch.rows.all().delete()
    batch.chunks.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, rows_read=0, rows_validated=0, message=""
    )
    batch.refresh_from_db()
    number = batch.header_row
    try:
        path = Path(settings.MEDIA_ROOT) / str(batch.file.name)  # a batch is made with its file
        limits = read_limits()
        table = open_table(path, batch.file_format, limits=limits, headers=batch.headers)
        checker: RowChecker | progress_import.ProgressChecker
        if batch.kind == Kind.PROGRESS:
            checker = progress_import.ProgressChecker(batch, batch.uploaded_by)
        else:
            checker = RowChecker(batch, batch.uploaded_by)
        checker.formulas = table.formulas
        counts = {"read": 0, "validated": 0, "errors": 0, "warnings": 0, "new": 0, "existing": 0}
        chunk: list[ParsedRow] = []

        row_table = bulk.Table(ImportRow, with_pk=False)

        def flush():
            checker.check_chunk(chunk)
            flagged = [r for r in chunk if preview.is_flagged(r)]
            for r in flagged:
                r.values = {key: audit.jsonable(value) for key, value in r.values.items()}
                if r.raw is None and isinstance(checker, RowChecker):  # progress rows keep their cells by header
                    r.raw = checker.raw_of(r.cells or [])
            preview.store(batch, counts["validated"], chunk)
            bulk.insert(
                ImportRow,
                row_table.columns,
                (
                    row_table.row(
                        row_table.complete(
                            {
                                "batch_id": batch.pk,
                                "number": r.number,
                                "raw": r.raw,
                                "values": r.values,
                                "errors": r.errors,
                                "warnings": r.warnings,
                                "duplicate_of_id": r.duplicate_of,
                                "outcome": r.outcome,
                                "project_id": r.project_id,
                            }
                        )
                    )
                    for r in flagged
                ),
            )
            counts["validated"] += len(chunk)
            counts["errors"] += sum(len(r.errors) for r in chunk)
            counts["warnings"] += sum(len(r.warnings) for r in chunk)
            counts["new"] += sum(1 for r in chunk if r.outcome in _NEW_OUTCOMES)
            counts["existing"] += sum(1 for r in chunk if r.outcome in _EXISTING_OUTCOMES)
            chunk.clear()
            moved = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
                rows_read=counts["read"], rows_validated=counts["validated"], updated=clock.now()
            )
            if not moved:
                raise Abandoned
            progress.write(batch.pk, phase="validating", read=counts["read"], validated=counts["validated"])
            if report:
                report({"phase": "validating", **counts, "total": batch.rows_total})

        rows = table.rows(batch.header_row + 1)
        if batch.rows_total > READ_AHEAD_ROWS:
            rows = read_ahead(rows)
        for number, cells in rows:
            counts["read"] += 1
            row = checker.parse(number, cells)
            if row is None:
                continue
            chunk.append(row)
            if len(chunk) >= CHUNK:
                flush()
                if limits.deadline is not None and time.monotonic() > limits.deadline:
                    raise refusal(LimitExceeded("time", row=number), limits)
        if chunk:
            flush()
        if counts["validated"] == 0:
            raise SheetError(_("The sheet has a header but no data rows: there is nothing to import."))
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.VALIDATED,
            rows_read=counts["read"],
            rows_validated=counts["validated"],
            error_count=counts["errors"],
            warning_count=counts["warnings"],
            new_count=counts["new"],
            existing_count=counts["existing"],
            message="",
        )
    except SheetError as exc:
        batch.rows.all().delete()
        batch.chunks.all().delete()
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.FAILED, message=str(exc)
        )
    except Abandoned:
        logger.warning("import %s stopped being checked: it is no longer running", batch.pk)
    except Exception as exc:
        # A value no check foresaw must not leave the batch "validating": it ends FAILED with the
        # row reached, and the traceback goes to the log.
        logger.exception("import %s failed while checking row %s", batch.pk, number)
        batch.rows.all().delete()
        batch.chunks.all().delete()
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.FAILED,
            message=_("Checking stopped at row %(row)s (%(error)s); nothing was imported.")
            % {"row": number, "error": (str(exc) or type(exc).__name__)[:200]},
        )
        progress.clear(batch.pk)
    logger.info("import %s validated in %.1fs", batch.pk, time.monotonic() - started)
    batch.refresh_from_db()
    return batch


# --- Decisions on likely duplicates ----------------------------------------------------------------


def batch_resolve(*, batch: ImportBatch, decisions: dict[int, str]) -> int:
    """Record 'same' (a re-signing of the suspected project) or 'new' for rows by row number."""
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    changed = 0
    confirmed = [n for n, d in decisions.items() if d == ImportRow.Resolution.CONFIRM]
    if confirmed:
        changed += batch_confirm(batch=batch, numbers=confirmed)
    for value in (ImportRow.Resolution.SAME, ImportRow.Resolution.NEW):
        numbers = [n for n, d in decisions.items() if d == value]
        if numbers:
            changed += batch.rows.filter(number__in=numbers, duplicate_of__isnull=False).update(resolution=value)
    return changed


def batch_resolve_all(*, batch: ImportBatch, decision: str) -> int:
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    if decision == ImportRow.Resolution.CONFIRM:
        return batch_confirm(batch=batch)
    return batch.rows.filter(duplicate_of__isnull=False, resolution="").update(resolution=decision)


def batch_confirm(*, batch: ImportBatch, numbers: list[int] | None = None) -> int:
    """Confirm the figures of progress rows (by number, or all) whose funds exceed the investment."""
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    rows = batch.rows.filter(values__needs_confirmation=True)
    if numbers is not None:
        rows = rows.filter(number__in=numbers)
    return rows.update(resolution=ImportRow.Resolution.CONFIRM)


# --- Commit -------------------------------------------------------------------------------------------


def _first_numbers(years: dict[int, int]) -> dict[int, int]:
    """Reserve a block of project references per year ({year: count}): the number before each block.

    The per-year counter stays locked until the commit ends, so nothing else numbers projects meanwhile.
    """
    first = {}
    for year, count in years.items():
        references = reserve_references(year, count)
        first[year] = int(references[0].split("-")[1]) - 1
    return first


def batch_start_validation(batch: ImportBatch) -> ImportBatch:
    """Queue the check of every row for the worker, whatever the file's size (the page then polls
    progress). The `import` command checks in its own process instead (`batch_validate`)."""
    from investledger.intake.tasks import validate_batch

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, rows_read=0, rows_validated=0, message="", task_id="", updated=clock.now()
    )
    progress.write(batch.pk, phase="validating", read=0, validated=0)
    _remember_task(batch, validate_batch.enqueue(batch.pk, translation.get_language() or ""))
    batch.refresh_from_db()
    return batch


def _remember_task(batch: ImportBatch, result) -> None:
    """Keep the queued task's id on the batch while it runs, for the sweep of stuck imports."""
    ImportBatch.objects.filter(pk=batch.pk, status__in=ImportBatch.RUNNING).update(task_id=str(result.id))


def _commit_precheck(batch: ImportBatch) -> None:
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ImportRefused(_("This import was already committed."))
    if batch.status not in (ImportBatch.Status.VALIDATED, ImportBatch.Status.COMMITTING):
        raise ImportRefused(_("Only a checked import can be committed."))
    if batch.error_count:
        raise ImportRefused(
            _("%(n)s errors: correct the file and upload it again; nothing is written while any row has an error.")
            % {"n": batch.error_count}
        )
    undecided = batch.rows.filter(duplicate_of__isnull=False, resolution="", errors=[]).count()
    unconfirmed = batch.rows.filter(values__needs_confirmation=True, resolution="", errors=[]).count()
    if unconfirmed:
        raise ImportRefused(
            _(
                "%(n)s rows report funds in place above investment completed beyond the tolerance: check them, "
                "and confirm those that are right."
            )
            % {"n": unconfirmed}
        )
    if undecided:
        raise ImportRefused(
            _(
                "%(n)s rows look like projects already in the ledger: decide for each whether it is the same project or a new one."
            )
            % {"n": undecided}
        )


def batch_start_commit(*, batch: ImportBatch, user) -> ImportBatch:
    """Commit now, or in the background for a large batch. Refusals are raised at once either way."""
    batch = ImportBatch.objects.get(pk=batch.pk)
    _commit_precheck(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id="")
    if batch.rows_validated > background_threshold():
        from investledger.intake.tasks import commit_batch

        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.COMMITTING, rows_written=0, updated=clock.now()
        )
        progress.write(batch.pk, phase="committing", written=0, total=batch.rows_validated)
        _remember_task(batch, commit_batch.enqueue(batch.pk, user.pk, translation.get_language() or ""))
        batch.refresh_from_db()
        return batch
    return batch_commit(batch=batch, user=user)


def batch_commit(*, batch: ImportBatch, user, report: Callable[[dict], None] | None = None) -> ImportBatch:
    """Write every row of a checked batch to the ledger in one transaction, or nothing.

    Refuses (ImportRefused) a batch with errors or undecided likely duplicates. Any failure while
    writing rolls everything back and leaves the batch FAILED with the reason.
    """
    batch = ImportBatch.objects.get(pk=batch.pk)
    _commit_precheck(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, rows_written=0, message="", updated=clock.now()
    )
    progress.write(batch.pk, phase="committing", written=0, total=batch.rows_validated)
    try:
        with audit.audit_context(actor=user, source=f"import:{batch.pk}"), transaction.atomic():
            if batch.kind == Kind.PROGRESS:
                written, new, existing = progress_import.write(batch, user, report)
            else:
                written, new, existing = _write(batch, user, report)
            # Marked committed in the transaction that wrote the rows, and only if still writing:
            # a batch the sweep failed meanwhile rolls back whole.
            committed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.COMMITTING).update(
                status=ImportBatch.Status.COMMITTED,
                committed_by=user,
                committed_at=clock.now(),
                rows_written=written,
                new_count=new,
                existing_count=existing,
            )
            if not committed:
                raise Abandoned
    except Abandoned:
        logger.warning("import %s was failed while it was written; its rows were rolled back", batch.pk)
        batch.refresh_from_db()
        return batch
    except (ImportRefused, ValidationError, IntegrityError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        if isinstance(exc, IntegrityError):
            message = _(
                "The ledger changed while the import was written (%(error)s); nothing was written. Check the file again."
            ) % {"error": str(exc)[:200]}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.VALIDATED, message=message, rows_written=0
        )
        progress.clear(batch.pk)
        raise ImportRefused(message) from exc
    except Exception as exc:
        logger.exception("import %s failed while writing", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.VALIDATED,
            message=_("Writing failed (%(error)s); nothing was written.") % {"error": str(exc)[:200]},
            rows_written=0,
        )
        progress.clear(batch.pk)
        raise
    progress.write(batch.pk, phase="committed", written=written)
    batch.refresh_from_db()
    return batch


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


def _write(batch: ImportBatch, user, report) -> tuple[int, int, int]:
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


def batch_delete_file(batch: ImportBatch) -> None:
    if batch.file.name:
        default_storage.delete(batch.file.name)
