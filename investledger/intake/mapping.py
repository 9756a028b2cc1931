"""Finding the header row of a sheet and which column holds which field.

Sheets from districts differ: 项目名称 / Project name / 项目 / name, units in the header, a title
row above it, merged header cells, extra columns. A column is mapped automatically when a synonym
matches exactly or rapidfuzz is sure; a weaker match is only suggested and the user confirms it.
A confirmed mapping is remembered per source and header signature (`ColumnMapping`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from investledger.intake.fields import Column
from investledger.intake.kinds import columns_for
from investledger.intake.parsing import HEADER_SEARCH_ROWS, SheetError, Table
from investledger.intake.values import normalise_key, text_of

SURE = 90
SUGGEST = 72


def _clean_header(text: str) -> str:
    """A header without its unit in brackets: "签约额（亿元）" -> "签约额"."""
    text = re.sub(r"[（(\[【].*?[)）\]】]", " ", text)
    return text.strip()


def _header_parts(text: str) -> list[str]:
    """A bilingual header "项目名称 / Project name" gives both parts."""
    cleaned = _clean_header(text)
    parts = [p.strip() for p in re.split(r"[/\n|]+", cleaned) if p.strip()]
    return parts or [cleaned]


def _synonyms(columns: tuple[Column, ...]) -> dict[str, str]:
    table = {}
    for col in columns:
        for word in (col.zh, col.en, col.name, *col.synonyms):
            table.setdefault(normalise_key(word), col.name)
    return table


@dataclass
class ColumnGuess:
    index: int
    header: str
    field: str  # "" when not mapped
    sure: bool
    score: float


def guess_column(header: str, columns: tuple[Column, ...], synonyms: dict[str, str] | None = None) -> ColumnGuess:
    synonyms = synonyms if synonyms is not None else _synonyms(columns)
    if not header.strip():
        return ColumnGuess(-1, header, "", False, 0)
    for part in _header_parts(header):
        key = normalise_key(part)
        if key in synonyms:
            return ColumnGuess(-1, header, synonyms[key], True, 100)
    choices = list(synonyms)
    best = ("", 0.0)
    for part in _header_parts(header):
        match = process.extractOne(
            normalise_key(part), choices, scorer=fuzz.ratio, processor=default_process, score_cutoff=SUGGEST
        )
        if match and match[1] > best[1]:
            best = (synonyms[match[0]], match[1])
    if best[0]:
        return ColumnGuess(-1, header, best[0], best[1] >= SURE, best[1])
    return ColumnGuess(-1, header, "", False, 0)


@dataclass
class Header:
    row: int  # the 1-based row of the (last) header row; data starts below it
    texts: list[str]  # one per column

    @property
    def signature(self) -> str:
        key = "\x1f".join(normalise_key(t) for t in self.texts)
        return hashlib.sha256(key.encode()).hexdigest()[:40]


def find_header(table: Table, kind: str) -> Header:
    """The row, within the first rows, whose cells look most like our column names.

    Merged header cells are filled across their range; a header of two rows (a merged group cell
    above sub-headers, or cells merged down over both rows) is read as one.
    """
    columns = columns_for(kind)
    synonyms = _synonyms(columns)
    grid = [[text_of(v) for v in row] for row in table.head[:HEADER_SEARCH_ROWS]]
    width = max((len(r) for r in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    # Fill merged ranges inside the search area from their top-left cell.
    for r0, c0, r1, c1 in table.merged:
        if r0 > len(grid) or c0 < 0:
            continue
        value = grid[r0 - 1][c0] if c0 < width else ""
        for r in range(r0, min(r1, len(grid)) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                grid[r - 1][c] = value
    best_row, best_score = None, 0
    for index, row in enumerate(grid):
        fields = {g.field for g in (guess_column(t, columns, synonyms) for t in row) if g.field and g.score >= SURE}
        if len(fields) > best_score:
            best_row, best_score = index, len(fields)
    if best_row is None or best_score < 2:
        raise SheetError(
            _(
                "No header row found in the first %(n)s rows: expected column names such as 项目名称 / Project name, "
                "投资方 / Investor, 签约额 / Contract investment."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    texts = grid[best_row]
    last_header_row = best_row
    # Sub-headers below a merged group ("计划日期" over "开工", "投产"): the next row is part of the
    # header when a merged range spans both rows or covers several columns in the header row.
    below = grid[best_row + 1] if best_row + 1 < len(grid) else None
    spans = [m for m in table.merged if m[0] - 1 <= best_row <= m[2] - 1 and m[3] > m[1]]
    downs = [m for m in table.merged if m[0] - 1 == best_row and m[2] - 1 > best_row]
    if below is not None and (spans or downs):
        sub_fields = sum(1 for t in below if t and guess_column(t, columns, synonyms).field)
        combined = []
        for c, (top, sub) in enumerate(zip(texts, below, strict=True)):
            in_span = any(m[1] <= c <= m[3] for m in spans)
            if sub and sub != top and (in_span or sub_fields):
                combined.append(
                    f"{top} {sub}".strip() if in_span and not guess_column(sub, columns, synonyms).sure else sub
                )
            else:
                combined.append(top)
        texts = combined
        last_header_row = best_row + 1
    return Header(last_header_row + 1, texts)


def auto_mapping(header: Header, kind: str) -> tuple[dict[str, str], dict[str, float]]:
    """{column index (as str): field} for every column mapped, and the score of each guess.

    A field is given to one column only: the best-scoring one.
    """
    columns = columns_for(kind)
    synonyms = _synonyms(columns)
    guesses = []
    for index, text in enumerate(header.texts):
        guess = guess_column(text, columns, synonyms)
        guess.index = index
        if guess.field:
            guesses.append(guess)
    guesses.sort(key=lambda g: (-g.score, g.index))
    mapping, scores, taken = {}, {}, set()
    for guess in guesses:
        if guess.field in taken:
            continue
        taken.add(guess.field)
        mapping[str(guess.index)] = guess.field
        scores[str(guess.index)] = guess.score
    return dict(sorted(mapping.items(), key=lambda kv: int(kv[0]))), scores


def missing_required(mapping: dict[str, str], kind: str, *, event_given: bool) -> list[Column]:
    mapped = set(mapping.values())
    return [c for c in columns_for(kind) if c.required and c.name not in mapped]
