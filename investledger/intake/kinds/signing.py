"""Signing lists (签约项目表): the projects signed at an event, one per row, written to the ledger.

A row names a new project (name, investor, host area, sector, amount...) or, by its reference, a
project already in the ledger signed again. Each row is parsed once (amounts with units and
currencies, dates in three spellings), checked against the reference data, the uploader's scope and
the field rules of `projects.services.project_create` (`signing_rules`), then in chunks against the
ledger: references, investors, and likely duplicates by the rule of `projects.duplicates`. The
commit writes new projects in bulk (`signing_write`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, override

from investledger.core import access, bulk, clock
from investledger.core.access import Action
from investledger.core.money import convert_to_cny
from investledger.intake.fields import SIGNING_COLUMNS, Kind
from investledger.intake.kinds import ImportKind, ParsedRow, columns_for
from investledger.intake.kinds.signing_rules import INVESTOR_NAME_LENGTH, MODEL_COLUMN, ProjectValues, rules
from investledger.intake.kinds.signing_write import write
from investledger.intake.models import ExchangeRate, ImportBatch, ImportRow
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
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import AgreementType, Stage
from investledger.ledger.projects.duplicates import AreaProjects
from investledger.ledger.projects.models import Project, Signing
from investledger.reference.models import Area, Sector

_ONE = Decimal("1")
_ZERO = Decimal("0")
_WHAT_AREA, _WHAT_SECTOR, _WHAT_EVENT = gettext_lazy("area"), gettext_lazy("sector"), gettext_lazy("signing event")


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

    def _named(self, row: ParsedRow, name: str, text: str, table: dict, what: str | Promise):
        """The area, sector or event a cell's text names (None for no text, or an unknown one: then
        an error on the row says so)."""
        if not text:
            return None
        try:
            return self.lookup.one(table, text, what)
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
        area = self._named(row, "host_area", area_text, self.lookup.areas, _WHAT_AREA)
        if not area_text and not v["reference"]:
            row.error(self.column_label("host_area"), _("required"))
        v["host_area_id"] = area.pk if area else None
        sector_text = get(row, cells, "sector")
        sector = self._named(row, "sector", sector_text, self.lookup.sectors, _WHAT_SECTOR)
        if not sector_text and not v["reference"]:
            row.error(self.column_label("sector"), _("required"))
        v["sector_id"] = sector.pk if sector else None
        event_text = get(row, cells, "event")
        event = self._named(row, "event", event_text, self.lookup.events, _WHAT_EVENT)
        if not event_text:
            if self.default_event is not None:
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
        for name, model_field, quick_ok in rules():
            value = v.get(name)
            if value is None or quick_ok(value):
                continue
            try:
                model_field.clean(value, None)
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(self.column_label(MODEL_COLUMN.get(name, name)), message)
        try:
            Project.clean(cast(Project, ProjectValues(v)))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.error(self.column_label(MODEL_COLUMN.get(name, name)), message)
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


KIND = ImportKind(
    name=Kind.SIGNINGS,
    label=gettext_lazy("Signing list"),
    columns=SIGNING_COLUMNS,
    action=Action.CREATE,
    refused=gettext_lazy("You may not import projects."),
    checker=RowChecker,
    write=write,
    sheet_title="签约项目 Signings",
    template_file="signing-list-template.xlsx",
    new_label=gettext_lazy("new projects"),
    existing_label=gettext_lazy("already in the ledger"),
    commit_button=ngettext_lazy("Commit %(n)s row to the ledger", "Commit %(n)s rows to the ledger", "n"),
    committed_text=gettext_lazy("Imported: %(new)s new projects, %(existing)s rows of projects already in the ledger."),
    preview_template="intake/kinds/signings_preview.html",
)
