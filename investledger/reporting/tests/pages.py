"""Reading figures back from what readers get: rendered pages, downloaded files, API answers.

The reconciliation suite compares these with the metric registry, so nothing here calls a selector:
it reads HTML tables and attributes, the charts' JSON, CSV and XLSX files as a reader's tools would.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl


@dataclass
class Table:
    attrs: dict
    rows: list[list[str]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)


class _Tables(HTMLParser):
    """Every <table> of a page: its attributes and the text of each body row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: str | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            table = Table(attrs)
            self.tables.append(table)
            self._stack.append(table)
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr" and self._stack and not self._in_head:
            self._row, self._link = [], None
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None and self._link is None:
            self._link = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1].rows.append(self._row)
            self._stack[-1].links.append(self._link)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[Table]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table(html: str, **wanted) -> Table:
    """The one table whose attributes include `wanted` (data_table="by-area" for data-table)."""
    wanted = {k.replace("_", "-"): v for k, v in wanted.items()}
    found = [t for t in tables(html) if all(t.attrs.get(k) == v for k, v in wanted.items())]
    assert len(found) == 1, f"{len(found)} tables match {wanted}"
    return found[0]


def kpis(html: str) -> dict[str, str]:
    """The dashboard's key figures: metric key → the exact value the card carries (data-value)."""
    return dict(re.findall(r'data-metric="([a-z_]+)">.*?data-value="([^"]*)"', html, re.S))


def chart_specs(html: str) -> dict[str, dict]:
    found = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html, re.S)
    return {spec["id"]: spec for spec in json.loads(found.group(1))}


def stat(html: str, label: str) -> str:
    """The number of a summary card: the `stat` element just before the label."""
    found = re.search(r'<div class="stat[^"]*">([^<]*)</div><div class="stat-label">' + re.escape(label) + "<", html)
    assert found, f"no summary card {label!r}"
    return found.group(1).strip()


def section(html: str, heading: str) -> Table:
    """The table that follows a heading (<h2>...</h2>) on a report page."""
    start = html.index(f">{heading}</h2>")
    return tables(html[start:])[0]


def money_bn(text: str) -> Decimal:
    """ "RMB 6.84 bn" → 6.84 (billions)."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text.replace(",", "")))


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
