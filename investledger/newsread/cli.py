"""`investledger extract FILE...`: one proposal per document, as JSON lines or as an import sheet.

`run` is the whole command; the management command in intake only hands it the signing template's
header, so that the CSV reads back through the signing-list import without a mapping question.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from investledger.newsread.loaders import MAX_BYTES
from investledger.newsread.proposal import empty, propose

FORMATS = ("json", "signings-csv")
AGREEMENT = {"cooperation": "框架协议", "contract": "投资合同", "investment": "投资合同"}


def proposals(paths: Iterable[str], *, include_text: bool = False) -> Iterable[dict[str, Any]]:
    """One proposal per path, in order; a path that cannot be opened gives a proposal with its message."""
    seen: set[str] = set()
    for path in paths:
        try:
            p = Path(path)
            if p.stat().st_size > MAX_BYTES:
                yield empty(
                    path,
                    None,
                    None,
                    [
                        {
                            "level": "error",
                            "code": "too_large",
                            "message": f"The document is {p.stat().st_size:,} bytes; the limit is {MAX_BYTES:,} bytes.",
                        }
                    ],
                )
                continue
            data = p.read_bytes()
        except OSError as exc:
            yield empty(
                path,
                None,
                None,
                [
                    {
                        "level": "error",
                        "code": "unreadable",
                        "message": f"The file could not be opened: {exc.strerror or exc}.",
                    }
                ],
            )
            continue
        yield propose(data, path, include_text=include_text, seen=seen)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def signing_rows(proposal: dict[str, Any], columns: Sequence[str]) -> list[list[str]]:
    """The proposal's deals as rows of the signing-list template (column names as in intake.fields)."""
    event = proposal["event"]
    rows = []
    for deal in proposal["deals"]:
        amount = deal["amount"]
        values = {
            "name": f"{deal['investor']} ({deal['sector'] or deal['kind']})",
            "investor": deal["investor"],
            "host_area": deal["host_area"],
            "sector": deal["sector"],
            "contract_value": f"{amount['value'] / 1e8:.4f}".rstrip("0").rstrip(".") if amount else None,
            "currency": amount["currency"] if amount else None,
            "agreement_type": AGREEMENT[deal["kind"]],
            "event": event["name"]["value"] if event["name"] else None,
            "signed_on": event["date"]["value"] if event["date"] else None,
            "description": deal["evidence"]["text"][:500],
        }
        rows.append([_cell(values.get(name)) for name in columns])
    return rows


def run(
    paths: Sequence[str],
    out: TextIO = sys.stdout,
    *,
    fmt: str = "json",
    columns: Sequence[tuple[str, str]] = (),
    include_text: bool = False,
) -> int:
    """Write the proposals of `paths` to `out`; `columns` are (name, header) of the signing template.
    Returns the exit status: 0, or 1 if a document could not be read."""
    status = 0
    if fmt == "signings-csv":
        writer = csv.writer(out)
        writer.writerow([header for _, header in columns])
    for proposal in proposals(paths, include_text=include_text):
        if any(m["level"] == "error" for m in proposal["messages"]):
            status = 1
            for m in proposal["messages"]:
                print(f"{proposal['source']}: {m['message']}", file=sys.stderr)
        if fmt == "signings-csv":
            writer.writerows(signing_rows(proposal, [name for name, _ in columns]))
        else:
            out.write(json.dumps(proposal, ensure_ascii=False) + "\n")
    return status
