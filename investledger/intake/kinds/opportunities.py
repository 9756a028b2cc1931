"""Opportunity lists (机会清单) from a sheet: one row per opportunity, added to lists the uploader keeps.

Each row names its list (by title, among the lists the uploader may change), the opportunity's title,
category (the bureau's codelist, by code or name), host area (the list's publishing area or under
it, within the uploader's areas), and its optional facts: location, land, estimated investment with
its unit and currency, cooperation mode, sectors, incentives, contact and description. An unknown
list, category, area, sector or mode is named on its row and column. The commit adds every row
through `opportunities.services.opportunity_create`, the service behind the form and the API, in one
transaction: all rows or none.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from investledger.core import access
from investledger.core.access import Action
from investledger.core.money import YI
from investledger.intake import preview
from investledger.intake.errors import ImportRefused
from investledger.intake.fields import OPPORTUNITY_COLUMNS, Kind
from investledger.intake.kinds import ImportKind, ParsedRow, columns_for, raw_of
from investledger.intake.kinds.cells import RowCells
from investledger.intake.models import ImportBatch, ImportRow
from investledger.intake.values import (
    CellError,
    checked_amount,
    decimal_from_cell,
    normalise_key,
    parse_amount,
    parse_currency,
    text_of,
    unit_from_header,
)
from investledger.ledger.opportunities import permissions
from investledger.ledger.opportunities import services as opportunity_services
from investledger.ledger.opportunities.choices import CooperationMode, LandUnit
from investledger.ledger.opportunities.models import OpportunityCategory, OpportunityList
from investledger.reference.models import Area, Sector

MULTILINE = frozenset({"description", "description_en", "incentives"})
TEXT_FIELDS = (
    "title",
    "title_en",
    "location",
    "incentives",
    "contact_name",
    "contact_phone",
    "description",
    "description_en",
)
# How long each text may be (the model's limits), said on the cell rather than at the commit.
MAX_LENGTH = {"title": 300, "title_en": 300, "location": 300, "contact_name": 100, "contact_phone": 40}
LAND_UNITS: dict[str, str] = {
    "亩": LandUnit.MU,
    "mu": LandUnit.MU,
    "公顷": LandUnit.HECTARE,
    "ha": LandUnit.HECTARE,
    "hectare": LandUnit.HECTARE,
    "hectares": LandUnit.HECTARE,
    "平方米": LandUnit.SQUARE_METRE,
    "㎡": LandUnit.SQUARE_METRE,
    "m2": LandUnit.SQUARE_METRE,
    "sqm": LandUnit.SQUARE_METRE,
}
MODE_WORDS = {
    CooperationMode.EQUITY: ("股权投资", "股权合作", "股权", "equity", "equity investment"),
    CooperationMode.PPP: ("ppp", "特许经营", "ppp或特许经营", "franchise", "ppp or franchise"),
    CooperationMode.LEASE: ("租赁", "lease"),
    CooperationMode.SALE: ("出让", "转让", "出售", "sale", "sale or transfer", "transfer"),
    CooperationMode.JOINT: ("合作开发", "联合开发", "joint", "joint development"),
}
MODES: dict[str, str] = {normalise_key(word): mode for mode, words in MODE_WORDS.items() for word in (mode, *words)}
SEPARATORS = re.compile(r"[;；、,，\n]+")


def _names_of(queryset) -> dict[str, int]:
    """Each record's code, Chinese and English name (normalised) → its id."""
    found: dict[str, int] = {}
    for pk, code, name, name_en in queryset.values_list("pk", "code", "name", "name_en"):
        for word in (code, name, name_en):
            if word:
                found.setdefault(normalise_key(word), pk)
    return found


class OpportunityChecker:
    """Parses and checks the rows of one opportunity sheet; holds the uploader's lists and the codelists."""

    def __init__(self, batch: ImportBatch, user):
        self.batch = batch
        self.user = user
        self.columns = {c.name: c for c in columns_for(batch.kind)}
        self.by_field = {name: int(index) for index, name in batch.mapping.items()}
        self.header_of = {name: batch.headers[index] or self.columns[name].zh for name, index in self.by_field.items()}
        unit = unit_from_header(self.header_of.get("estimated_value", ""))
        self.unit = unit if unit.multiplier is not None else dataclasses.replace(unit, multiplier=YI)
        self.formulas: dict[tuple[int, int], str] = {}
        self.categories = _names_of(OpportunityCategory.objects.all())
        self.sectors = _names_of(Sector.objects.all())
        self.areas = _names_of(Area.objects.all())
        self.paths = dict(Area.objects.values_list("pk", "path"))
        self.creatable = set(Area.objects.filter(access.area_q(user, Action.CREATE)).values_list("pk", flat=True))
        self.lists: dict[str, OpportunityList] = {}
        self.visible_lists: set[str] = set()
        for item in OpportunityList.objects.visible_to(user).select_related("publishing_area"):
            for word in (item.title, item.title_en):
                if word:
                    self.visible_lists.add(normalise_key(word))
        for item in OpportunityList.objects.visible_to(user, permissions.UPDATE).select_related("publishing_area"):
            for word in (item.title, item.title_en):
                if word:
                    self.lists.setdefault(normalise_key(word), item)

    def column_label(self, name: str) -> str:
        if name in self.header_of:
            return self.header_of[name]
        column = self.columns.get(name)
        return column.zh if column else name

    def parse(self, number: int, cells: list) -> ParsedRow | None:
        if not any(text_of(v) for v in cells):
            return None
        row = ParsedRow(number, raw_of(self.batch.headers, cells))
        v = row.values

        cells_of = RowCells(
            number=number,
            cells=cells,
            row=row,
            by_field=self.by_field,
            formulas=self.formulas,
            label=self.column_label,
            multiline=MULTILINE,
        )
        read = cells_of.read

        def required(name):
            if v.get(name) in (None, "") and not any(e["column"] == self.column_label(name) for e in row.errors):
                row.error(self.column_label(name), _("required"))

        for name in ("list", "category", "host_area", "cooperation_mode", "land_area_unit", "sectors"):
            v[name] = read(name, text_of) or ""
        for name in TEXT_FIELDS:
            text = read(name, text_of) or ""
            limit = MAX_LENGTH.get(name)
            if limit and len(text) > limit:
                row.error(
                    self.column_label(name),
                    _("%(count)s characters: at most %(limit)s") % {"count": len(text), "limit": limit},
                )
            v[name] = text
        for name in ("list", "title", "category", "host_area"):
            required(name)
        email = read("contact_email", text_of) or ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error(self.column_label("contact_email"), _("%(text)s is not an e-mail address") % {"text": email})
        v["contact_email"] = email
        amount = read("estimated_value", parse_amount, self.unit, "CNY")
        currency = read("currency", parse_currency)
        if amount is not None:
            if currency and amount.currency != "CNY" and amount.currency != currency:
                row.error(
                    self.column_label("currency"),
                    _("the amount says %(amount)s, the currency column %(currency)s")
                    % {"amount": amount.currency, "currency": currency},
                )
            v["estimated_value"] = str(amount.value)
            v["currency"] = currency or amount.currency
            v["value_approximate"] = amount.approximate
        else:
            v["estimated_value"] = None
            v["currency"] = currency or "CNY"
            v["value_approximate"] = False
        if v["currency"] != "CNY" and v["estimated_value"] is not None:
            row.error(
                self.column_label("estimated_value"),
                _("give the estimated investment in CNY (the form takes an exchange rate for other currencies)"),
            )
        land = read("land_area", self._land_area)
        v["land_area"] = str(land) if land is not None else None
        return row

    @staticmethod
    def _land_area(value) -> Decimal | None:
        if value is None:
            return None
        number = decimal_from_cell(value)
        if number < 0:
            raise CellError(_("a land area cannot be negative"))
        return checked_amount(number, Decimal(1))

    def check_chunk(self, rows: list) -> None:
        """Resolve each row's list, category, area, sectors and mode: the names were loaded once."""
        for row in rows:
            v = row.values
            self._resolve(row, v)
            row.outcome = ImportRow.Outcome.ERROR if row.errors else ImportRow.Outcome.OPPORTUNITY

    def _resolve(self, row: ParsedRow, v: dict) -> None:
        opportunity_list = None
        if v.get("list"):
            key = normalise_key(v["list"])
            opportunity_list = self.lists.get(key)
            if opportunity_list is None:
                message = (
                    _("you may not add opportunities to the list %(list)s")
                    if key in self.visible_lists
                    else _("no opportunity list titled %(list)s among the lists you keep")
                )
                row.error(self.column_label("list"), message % {"list": v["list"]})
            else:
                v["list_id"] = opportunity_list.pk
        if v.get("category"):
            category = self.categories.get(normalise_key(v["category"]))
            if category is None:
                row.error(self.column_label("category"), _("unknown category %(text)s") % {"text": v["category"]})
            v["category_id"] = category
        if v.get("host_area"):
            area = self.areas.get(normalise_key(v["host_area"]))
            if area is None:
                row.error(self.column_label("host_area"), _("unknown area %(text)s") % {"text": v["host_area"]})
            elif area not in self.creatable:
                row.error(
                    self.column_label("host_area"),
                    _("%(area)s is outside your areas: you may not add opportunities there") % {"area": v["host_area"]},
                )
            elif opportunity_list is not None and not self.paths[area].startswith(
                opportunity_list.publishing_area.path
            ):
                row.error(
                    self.column_label("host_area"),
                    _("%(area)s is not %(publisher)s or one of its sub-areas, which publish this list")
                    % {"area": v["host_area"], "publisher": opportunity_list.publishing_area.label},
                )
            v["host_area_id"] = area
        sectors = []
        for word in SEPARATORS.split(v.get("sectors") or ""):
            if not word.strip():
                continue
            sector = self.sectors.get(normalise_key(word))
            if sector is None:
                row.error(self.column_label("sectors"), _("unknown sector %(text)s") % {"text": word.strip()})
            elif sector not in sectors:
                sectors.append(sector)
        v["sector_ids"] = sectors
        mode: str | None = CooperationMode.EQUITY
        if v.get("cooperation_mode"):
            mode = MODES.get(normalise_key(v["cooperation_mode"]))
            if mode is None:
                row.error(
                    self.column_label("cooperation_mode"),
                    _("unknown cooperation mode %(text)s") % {"text": v["cooperation_mode"]},
                )
        v["cooperation_mode"] = mode or CooperationMode.EQUITY
        unit: str | None = LandUnit.MU
        if v.get("land_area_unit"):
            unit = LAND_UNITS.get(normalise_key(v["land_area_unit"]))
            if unit is None:
                row.error(
                    self.column_label("land_area_unit"),
                    _("unknown unit of land %(text)s (亩, 公顷 or 平方米)") % {"text": v["land_area_unit"]},
                )
        v["land_area_unit"] = unit or LandUnit.MU


def write(batch: ImportBatch, user, report) -> tuple[int, int, int]:
    """Add every checked row through `opportunity_create`; the caller holds the transaction."""
    lists = {item.pk: item for item in OpportunityList.objects.visible_to(user, permissions.UPDATE)}
    creatable = Area.objects.filter(access.area_q(user, Action.CREATE))
    categories = OpportunityCategory.objects.in_bulk()
    written = 0
    total = batch.rows_validated
    for chunk, rows in preview.chunks(batch):
        for row in rows:
            if row.outcome == ImportRow.Outcome.ERROR:
                continue
            v = row.values
            opportunity_list = lists.get(v.get("list_id"))
            area = creatable.filter(pk=v.get("host_area_id")).first()
            if opportunity_list is None or area is None:
                raise ImportRefused(_("Row %(row)s: you may not add this opportunity.") % {"row": row.number})
            fields = {
                "title": v["title"],
                "title_en": v["title_en"],
                "category": categories[v["category_id"]],
                "host_area": area,
                "location": v["location"],
                "land_area": Decimal(v["land_area"]) if v.get("land_area") else None,
                "land_area_unit": v["land_area_unit"],
                "currency": v["currency"],
                "estimated_value": Decimal(v["estimated_value"]) if v.get("estimated_value") else None,
                "value_approximate": v["value_approximate"],
                "cooperation_mode": v["cooperation_mode"],
                "incentives": v["incentives"],
                "contact_name": v["contact_name"],
                "contact_phone": v["contact_phone"],
                "contact_email": v["contact_email"],
                "description": v["description"],
                "description_en": v["description_en"],
            }
            try:
                created = opportunity_services.opportunity_create(
                    opportunity_list=opportunity_list,
                    fields=fields,
                    sectors=v.get("sector_ids") or [],
                    audit_message=f"import {batch.pk} {batch.file_name} row {row.number}",
                )
            except ValidationError as exc:
                raise ImportRefused(
                    _("Row %(row)s: %(message)s") % {"row": row.number, "message": " ".join(exc.messages)}
                ) from exc
            v["opportunity_id"] = created.pk
            written += 1
            if report and written % 200 == 0:
                report({"phase": "committing", "written": written, "total": total})
        preview.save_outcomes(chunk, rows)
    return written, written, 0


KIND = ImportKind(
    name=Kind.OPPORTUNITIES,
    label=gettext_lazy("Opportunity list"),
    columns=OPPORTUNITY_COLUMNS,
    action=permissions.UPDATE,
    refused=gettext_lazy("You may not add opportunities to lists."),
    checker=OpportunityChecker,
    write=write,
    sheet_title="机会清单 Opportunities",
    template_file="opportunity-list-template.xlsx",
    new_label=gettext_lazy("new opportunities"),
    existing_label=gettext_lazy("existing"),
    commit_button=ngettext_lazy("Add %(n)s opportunity", "Add %(n)s opportunities", "n"),
    committed_text=gettext_lazy("Added: %(new)s opportunities (%(existing)s already there)."),
    preview_template="intake/kinds/opportunities_preview.html",
)
